// A theatre owner's (or an admin's) offer codes: each with its terms and redemptions so far, a form to create one,
// and pausing or resuming. An owner's codes apply at their own theatres only; the service enforces it.

import { getJson, postJson, putJson, ApiError } from '../api.js';
import { escape, money, dateTime } from '../format.js';

function terms(offer) {
  const off = offer.discount === 'PERCENT'
    ? `${offer.percent} % off${offer.cap ? `, at most ${money(offer.cap)}` : ''}`
    : offer.discount === 'AMOUNT' ? `${money(offer.amount)} off` : `${money(offer.amount)} a ticket`;
  const limits = [offer.totalLimit ? `${offer.totalLimit} in all` : null, offer.perUserLimit ? `${offer.perUserLimit} per customer` : null].filter(Boolean);
  return `${off}; from ${offer.minTickets} ticket${offer.minTickets > 1 ? 's' : ''}${limits.length ? `; ${limits.join(', ')}` : ''}`;
}

export async function render(main, { app }) {
  if (!await app.signedInFor(main, 'Offer codes', 'Sign in as a theatre owner to manage your offer codes.')) return undefined;
  const gone = new AbortController();
  let notice = null;

  async function draw() {
    let offers;
    try {
      offers = (await getJson('/api/offers?pageSize=100', { auth: true })).items;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      main.innerHTML = `<h1>Offer codes</h1><p class="error" role="alert">${escape(error.status === 403 ? 'Only theatre owners and admins manage offer codes.' : error.humanMessage)}</p>`;
      return;
    }
    main.innerHTML = `
      <h1>Offer codes</h1>
      ${notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : ''}
      <table class="occupancy" id="offers">
        <caption class="visually-hidden">Your offer codes</caption>
        <thead><tr><th scope="col">Code</th><th scope="col">Terms</th><th scope="col">Valid until</th><th scope="col">Redeemed</th><th scope="col">State</th></tr></thead>
        <tbody>
          ${offers.length === 0 ? '<tr><td colspan="5">No offer codes yet.</td></tr>' : offers.map(o => `
            <tr data-code="${escape(o.code)}">
              <td><strong>${escape(o.code)}</strong></td>
              <td>${escape(terms(o))}</td>
              <td>${dateTime(o.validUntil)}</td>
              <td class="count">${o.redemptions}</td>
              <td><button type="button" data-id="${o.id}" data-action="${o.paused ? 'resume' : 'pause'}">${o.paused ? 'Resume' : 'Pause'} ${escape(o.code)}</button></td>
            </tr>`).join('')}
        </tbody>
      </table>
      <form id="new-offer" class="filters">
        <h2>New offer code</h2>
        <label>Code <input name="code" required maxlength="20" autocomplete="off"></label>
        <label>Discount <select name="discount">
          <option value="PERCENT">Percent off</option><option value="AMOUNT">Amount off (₹)</option><option value="FIXED_PRICE">Price a ticket (₹)</option>
        </select></label>
        <label>Percent or rupees <input name="value" type="number" min="1" step="1" required></label>
        <label>Valid for days <input name="days" type="number" min="1" max="365" value="30" required></label>
        <label>Total limit <input name="totalLimit" type="number" min="1"></label>
        <label>Per customer <input name="perUserLimit" type="number" min="1"></label>
        <button type="submit" class="primary">Create code</button>
      </form>`;
  }

  main.addEventListener('submit', async event => {
    if (event.target.id !== 'new-offer') return;
    event.preventDefault();
    const form = new FormData(event.target);
    const discount = form.get('discount');
    const value = Number(form.get('value'));
    const now = new Date();
    const body = {
      code: form.get('code').trim(),
      discount,
      percent: discount === 'PERCENT' ? value : undefined,
      amount: discount === 'PERCENT' ? undefined : value * 100,
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + Number(form.get('days')) * 86_400_000).toISOString(),
      totalLimit: form.get('totalLimit') ? Number(form.get('totalLimit')) : undefined,
      perUserLimit: form.get('perUserLimit') ? Number(form.get('perUserLimit')) : undefined,
    };
    try {
      const created = await postJson('/api/offers', body, { auth: true });
      notice = { kind: 'status', text: `Offer code ${created.code} created.` };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    app.announce(notice.text);
    await draw();
  }, { signal: gone.signal });

  main.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action="pause"], button[data-action="resume"]');
    if (!button) return;
    const offer = await getJson(`/api/offers/${button.dataset.id}`, { auth: true });
    const { id, ownerId, redemptions, scope, ...rest } = offer;
    try {
      await putJson(`/api/offers/${id}`, {
        ...rest,
        scope: { theatreIds: scope.theatreIds, movieIds: scope.movieIds, showIds: scope.showIds, categories: scope.categories },
        paused: button.dataset.action === 'pause',
      }, { auth: true });
      notice = { kind: 'status', text: `Offer code ${offer.code} ${button.dataset.action === 'pause' ? 'paused' : 'resumed'}.` };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    app.announce(notice.text);
    await draw();
  }, { signal: gone.signal });

  await draw();
  return { leave: () => gone.abort() };
}
