// The API client: JSON in and out, problems turned into errors with words a person can read. The access token
// lives in memory only; the refresh token is an HttpOnly cookie the page never sees.

let accessToken = null;
let profile = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /** What to tell the person, in words, for the statuses a page cannot prevent. */
  get humanMessage() {
    if (this.status === 429) {
      const wait = this.problem.retryAfter ? ` Try again in ${this.problem.retryAfter} seconds.` : ' Try again in a moment.';
      return `Too many attempts.${wait}`;
    }
    if (this.status === 503 || this.status === 502 || this.status === 504) {
      return 'The service is busy or briefly unavailable. Please try again in a few seconds.';
    }
    if (this.status >= 500) {
      return 'Something went wrong on our side. Please try again.';
    }
    const errors = this.problem.errors ? Object.values(this.problem.errors).flat() : [];
    return errors.length > 0 ? errors.join(' ') : this.message;
  }
}

export const session = {
  get signedIn() { return accessToken !== null; },
  get user() { return profile; },
  onChange(listener) { listeners.add(listener); },
};

function changed() {
  for (const listener of listeners) listener(profile);
}

async function send(path, { method = 'GET', body, auth = false, retry = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 401 && auth && retry && await refresh()) {
    return send(path, { method, body, auth, retry: false });
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    if (problem && response.headers.get('Retry-After')) problem.retryAfter = response.headers.get('Retry-After');
    throw new ApiError(response.status, problem);
  }
  return response.status === 204 ? null : response;
}

/** Takes the signed-in person's profile as the service returned it after a change (their phone, their choices). */
export function adoptProfile(user) {
  profile = user;
  changed();
}

export async function getJson(path, options) {
  const response = await send(path, options);
  return response === null ? null : response.json();
}

export async function postJson(path, body, options = {}) {
  const response = await send(path, { ...options, method: 'POST', body });
  return response === null ? null : response.json();
}

export async function putJson(path, body, options = {}) {
  const response = await send(path, { ...options, method: 'PUT', body });
  return response === null ? null : response.json();
}

export async function del(path, options = {}) {
  const response = await send(path, { ...options, method: 'DELETE' });
  return response === null ? null : response.json();
}

/** A binary answer (the ticket's QR code) as an object URL. */
export async function blobUrl(path) {
  const response = await send(path, { auth: true });
  return URL.createObjectURL(await response.blob());
}

async function adopt(tokens) {
  accessToken = tokens.accessToken;
  profile = await getJson('/api/users/me', { auth: true, retry: false });
  changed();
  return profile;
}

export async function signIn(email, password) {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Refresh-Cookie': '1' },
    body: JSON.stringify({ email, password }),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    if (problem && response.headers.get('Retry-After')) problem.retryAfter = response.headers.get('Retry-After');
    throw new ApiError(response.status, problem);
  }
  return adopt(await response.json());
}

export async function register(email, password, name) {
  await postJson('/api/auth/register', { email, password, name });
  return signIn(email, password);
}

/** Spends the refresh cookie for a new access token; false when there is no live sign-in. */
export async function refresh() {
  // The HttpOnly refresh cookie is invisible here; its companion says whether there is one to spend.
  if (!document.cookie.split('; ').includes('mb_session=1')) return false;
  try {
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      // A JSON request without a body: the refresh token is the cookie.
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Refresh-Cookie': '1' },
      credentials: 'same-origin',
    });
    if (!response.ok) {
      if (accessToken !== null) { accessToken = null; profile = null; changed(); }
      return false;
    }
    await adopt(await response.json());
    return true;
  } catch {
    return false;
  }
}

export async function signOut() {
  await fetch('/api/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Refresh-Cookie': '1' }, credentials: 'same-origin' });
  accessToken = null;
  profile = null;
  changed();
}
