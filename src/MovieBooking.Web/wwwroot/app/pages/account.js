// The signed-in person's profile: a mobile number for text messages, and how reminders before a show reach them.
// Messages about money always come by email; the page says so.

import { putJson, postJson, session, adoptProfile, ApiError } from '../api.js';
import { escape } from '../format.js';

export async function render(main, { app }) {
  if (!await app.signedInFor(main, 'Profile', 'Sign in to see your profile.')) return undefined;
  const gone = new AbortController();
  let notice = null;

  function draw(values) {
    main.innerHTML = `
      <h1>Profile</h1>
      <p>${escape(session.user.name)} · ${escape(session.user.email)}
        ${session.user.emailConfirmed ? '<span class="muted">(confirmed)</span>' : '<span class="muted">(not confirmed yet)</span> <button type="button" id="resend" class="link">Email me the confirmation link again</button>'}</p>
      ${notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : ''}
      <form id="preferences" class="preferences">
        <label>Mobile number
          <input name="phone" type="tel" autocomplete="tel" inputmode="tel" maxlength="32" placeholder="+91 98765 43210"
            value="${escape(values.phone ?? '')}" aria-describedby="phone-hint">
        </label>
        <p class="muted" id="phone-hint">With the country code. We text your ticket to it when you pay; leave it empty for no texts.</p>
        <fieldset>
          <legend>Reminders before a show</legend>
          <label class="inline-check"><input type="checkbox" name="email" ${values.reminders.email ? 'checked' : ''}> By email</label>
          <label class="inline-check"><input type="checkbox" name="sms" ${values.reminders.sms ? 'checked' : ''}> By SMS</label>
        </fieldset>
        <p class="muted">Confirmations, cancellations and refunds always come by email to ${escape(session.user.email)}.</p>
        <button type="submit" class="primary">Save</button>
      </form>`;
  }

  main.addEventListener('click', async event => {
    if (event.target.id !== 'resend') return;
    try {
      notice = { kind: 'status', text: (await postJson('/api/auth/confirm-email/resend', {}, { auth: true })).message };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    draw(session.user);
    app.announce(notice.text);
  }, { signal: gone.signal });

  main.addEventListener('submit', async event => {
    if (event.target.id !== 'preferences') return;
    event.preventDefault();
    const form = new FormData(event.target);
    const values = {
      phone: form.get('phone').trim() || null,
      reminders: { email: form.get('email') === 'on', sms: form.get('sms') === 'on' },
    };
    try {
      adoptProfile(await putJson('/api/users/me/preferences', values, { auth: true }));
      notice = { kind: 'status', text: 'Saved.' };
      draw(session.user);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
      draw(values);
    }
    app.announce(notice.text);
  }, { signal: gone.signal });

  draw(session.user);
  return { leave: () => gone.abort() };
}
