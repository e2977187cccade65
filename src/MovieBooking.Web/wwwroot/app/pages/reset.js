// Forgotten password: without a link, ask for the address and send one; with the emailed link (its token in the
// fragment, which never reaches a server log), choose a new password. Setting it signs the account out everywhere.

import { postJson, ApiError } from '../api.js';
import { escape } from '../format.js';
import { takeLinkToken } from '../links.js';

export async function render(main, { app }) {
  const token = takeLinkToken();
  const gone = new AbortController();
  document.title = 'Reset your password · Movie tickets';

  function draw(form, notice) {
    const message = notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : '';
    main.innerHTML = token
      ? `<h1>Choose a new password</h1>${message}
        ${form ? `<form id="reset" class="preferences">
          <label>New password <input name="password" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint"></label>
          <p class="muted" id="password-hint">At least 8 characters, with letters and a digit or symbol. Setting it signs you out on every device.</p>
          <button type="submit" class="primary">Set password</button>
        </form>` : ''}`
      : `<h1>Reset your password</h1>${message}
        ${form ? `<form id="forgot" class="preferences">
          <label>Email <input name="email" type="email" autocomplete="username" required></label>
          <p class="muted">We email a link to choose a new password. It works once, for half an hour.</p>
          <button type="submit" class="primary">Email me a link</button>
        </form>` : ''}`;
  }

  main.addEventListener('submit', async event => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      if (event.target.id === 'forgot') {
        const accepted = await postJson('/api/auth/forgot-password', { email: form.get('email') });
        draw(false, { kind: 'status', text: accepted.message });
      } else {
        await postJson('/api/auth/reset-password', { token, password: form.get('password') });
        draw(false, { kind: 'status', text: 'Your new password is set, and every other device is signed out. Sign in with it.' });
        app.requireSignIn().then(() => app.navigate('/'), () => {});
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // A refused link cannot be tried again; a weak password can.
      draw(!error.problem.errors?.token, { kind: 'error', text: error.humanMessage });
    }
    app.announce(main.querySelector('[role]')?.textContent ?? '');
  }, { signal: gone.signal });

  draw(true, null);
  return { leave: () => gone.abort() };
}
