// The signed-in person's bookings: status, the ticket of confirmed ones, and cancellation with its refund shown first.

import { getJson, postJson, ApiError } from '../api.js';
import { escape, money, dateTime, seatList, titleCase } from '../format.js';

export async function render(main, { app }) {
  if (!await app.signedInFor(main, 'My bookings', 'Sign in to see your bookings.')) return;

  async function draw(notice) {
    const bookings = (await getJson('/api/bookings?sort=-showTime&pageSize=100', { auth: true })).items;
    main.innerHTML = `
      <h1>My bookings</h1>
      ${notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : ''}
      ${bookings.length === 0 ? '<p>No bookings yet. <a href="/">Find a movie</a>.</p>' : ''}
      <ul class="cards">
        ${bookings.map(b => `
          <li class="card booking" data-id="${b.id}">
            <h2>${escape(b.show.movie)}</h2>
            <p>${escape(b.show.theatre)} · ${dateTime(b.show.startsAt)}</p>
            <p>Seats ${escape(seatList(b.seats))} · ${money(b.price.total, b.price.currency)}</p>
            <p>Status: <strong>${escape(titleCase(b.status))}</strong>${b.refund ? ` · refund ${money(b.refund.amount, b.price.currency)}` : ''}</p>
            ${b.status === 'CONFIRMED' ? `<p><a href="/bookings/${b.id}">Show ticket</a></p>` : ''}
            ${b.status === 'PENDING_PAYMENT' ? `<p><a href="/bookings/${b.id}">Pay now</a></p>` : ''}
            ${b.cancellation.allowed
              ? `<button type="button" data-action="cancel" data-id="${b.id}" data-refund="${b.cancellation.refund}" data-currency="${b.price.currency}"
                   data-tier="${escape(b.cancellation.tier?.description ?? '')}">Cancel booking</button>
                 ${b.cancellation.tier ? `<span class="muted">${money(b.cancellation.refund, b.price.currency)} back until ${dateTime(b.cancellation.until)} (${escape(b.cancellation.tier.description)})</span>` : ''}`
              : b.status === 'CONFIRMED' && b.cancellation.reason ? `<p class="muted">${escape(b.cancellation.reason)}</p>` : ''}
          </li>`).join('')}
      </ul>`;
  }

  // <main> outlives the page: its listener goes when the page does.
  const gone = new AbortController();
  main.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action="cancel"]');
    if (!button) return;
    const { id, refund: amount, currency, tier } = button.dataset;
    // The refund as the service quotes it for this booking now, by its theatre's cancellation policy.
    const refund = Number(amount) > 0 ? `You will get ${money(Number(amount), currency)} back (${tier}).` : 'Nothing was paid, so nothing is refunded.';
    if (!window.confirm(`Cancel this booking? ${refund}`)) return;
    try {
      const cancelled = await postJson(`/api/bookings/${id}/cancel`, undefined, { auth: true });
      await draw({ kind: 'status', text: cancelled.refund ? `Cancelled. ${money(cancelled.refund.amount, currency)} is on its way back to you.` : 'Cancelled.' });
    } catch (error) {
      await draw({ kind: 'error', text: error instanceof ApiError ? error.humanMessage : 'The booking could not be cancelled.' });
    }
  }, { signal: gone.signal });

  await draw();
  return { leave: () => gone.abort() };
}
