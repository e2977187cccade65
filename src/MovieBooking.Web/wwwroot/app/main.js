// The app's frame: the router (history API, so deep links and the back button work), the city picker (remembered
// on this device) and the account button. Each page is a module that renders into <main>.

import { getJson, session, refresh, signOut, ApiError } from './api.js';
import { signInDialog } from './signin.js';
import { escape } from './format.js';

const routes = [
  [/^\/$/, () => import('./pages/home.js')],
  [/^\/movies\/([0-9a-f-]{36})$/, () => import('./pages/movie.js')],
  [/^\/shows\/([0-9a-f-]{36})$/, () => import('./pages/show.js')],
  [/^\/bookings$/, () => import('./pages/bookings.js')],
  [/^\/bookings\/([0-9a-f-]{36})$/, () => import('./pages/booking.js')],
  [/^\/checkin$/, () => import('./pages/checkin.js')],
  [/^\/staff$/, () => import('./pages/staff.js')],
  [/^\/staff\/offers$/, () => import('./pages/offers.js')],
  [/^\/staff\/menu$/, () => import('./pages/menu.js')],
  [/^\/staff\/prices$/, () => import('./pages/prices.js')],
  [/^\/account$/, () => import('./pages/account.js')],
  [/^\/reset-password$/, () => import('./pages/reset.js')],
  [/^\/confirm-email$/, () => import('./pages/confirm.js')],
];

const main = document.getElementById('main');
let current = null;

export const app = {
  cities: [],
  get cityId() { return localStorage.getItem('city'); },
  set cityId(id) { localStorage.setItem('city', id); },
  navigate(path) {
    history.pushState({}, '', path);
    return render();
  },
  announce(text) {
    const announcer = document.getElementById('announcer');
    announcer.textContent = '';
    requestAnimationFrame(() => { announcer.textContent = text; });
  },
  /** Asks the person to sign in when an action needs it; resolves once they have (or rejects if they cancel). */
  requireSignIn() {
    return session.signedIn ? Promise.resolve(session.user) : signInDialog();
  },
  /** A page only for signed-in people: says why while asking them to sign in; false if they decline. */
  async signedInFor(main, heading, why) {
    document.title = `${heading} · Movie tickets`;
    main.innerHTML = `<h1>${escape(heading)}</h1><p class="muted">${escape(why)}</p>`;
    try {
      await app.requireSignIn();
      return true;
    } catch {
      return false;
    }
  },
};

async function render() {
  current?.leave?.();
  current = null;
  const url = new URL(location.href);
  const route = routes.find(([pattern]) => pattern.test(url.pathname));
  if (!route) {
    document.title = 'Page not found · Movie tickets';
    main.innerHTML = `<h1>Page not found</h1><p>There is no page at <code>${escape(url.pathname)}</code>.</p><p><a href="/">See what is showing</a></p>`;
    return;
  }
  const [pattern, load] = route;
  const parameters = pattern.exec(url.pathname).slice(1);
  main.setAttribute('aria-busy', 'true');
  try {
    const page = await load();
    current = await page.render(main, { parameters, query: url.searchParams, app });
  } catch (error) {
    main.innerHTML = `<h1>Something went wrong</h1><p class="error" role="alert">${escape(error instanceof ApiError ? error.humanMessage : 'The page could not be shown. Please try again.')}</p>`;
    if (!(error instanceof ApiError)) console.warn(error);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

document.addEventListener('click', event => {
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download') || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  app.navigate(url.pathname + url.search);
  main.focus();
});
window.addEventListener('popstate', render);

function showAccount() {
  const button = document.getElementById('account');
  button.textContent = session.signedIn ? `Sign out (${session.user.name})` : 'Sign in';
  const staff = session.signedIn && (session.user.role === 'TheatreOwner' || session.user.role === 'Admin');
  for (const link of document.querySelectorAll('.staff-only')) link.hidden = !staff;
  for (const link of document.querySelectorAll('.signed-in-only')) link.hidden = !session.signedIn;
}

document.getElementById('account').addEventListener('click', async () => {
  if (session.signedIn) {
    await signOut();
  } else {
    await signInDialog().catch(() => {});
  }
});
session.onChange(showAccount);

async function loadCities() {
  const select = document.getElementById('city');
  const cities = (await getJson('/api/cities?pageSize=100')).items;
  app.cities = cities;
  if (!cities.some(c => c.id === app.cityId) && cities.length > 0) app.cityId = cities[0].id;
  select.innerHTML = cities.map(c => `<option value="${c.id}">${escape(c.name)}</option>`).join('');
  select.value = app.cityId;
  select.addEventListener('change', () => {
    app.cityId = select.value;
    app.navigate('/');
  });
}

showAccount();
await Promise.all([loadCities(), refresh()]);
await render();
