// The emailed link that confirms an account's address: one request with its token, then the answer.

import { postJson, session, getJson, adoptProfile, ApiError } from '../api.js';
import { escape } from '../format.js';
import { takeLinkToken } from '../links.js';

export async function render(main) {
  document.title = 'Confirm your email address · Movie tickets';
  const token = takeLinkToken();
  let notice;
  try {
    if (!token) throw new ApiError(400, { detail: 'This page needs the link from your email. Open the link in the email again.' });
    await postJson('/api/auth/confirm-email', { token });
    notice = { kind: 'status', text: 'Thank you: your email address is confirmed.' };
    if (session.signedIn) adoptProfile(await getJson('/api/users/me', { auth: true }));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    notice = { kind: 'error', text: error.humanMessage };
  }
  main.innerHTML = `<h1>Confirm your email address</h1>
    <p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>
    <p><a href="/">See what is showing</a></p>`;
  return undefined;
}
