// One booking: where a gateway's checkout comes back to (its answer is verified here), the summary and payment of a
// booking awaiting it, and the ticket of a confirmed one with the signed QR code the theatre scans.

import { getJson, postJson, blobUrl, session, ApiError } from '../api.js';
import { escape, money, dateTime, seatList, titleCase, priceTable } from '../format.js';
import { pay, answerIn } from '../checkout.js';
import { offerSection, applyOffer, removeOffer } from '../offer.js';
import { menuOf, foodSection, orderFood } from '../food.js';

const outcomes = {
  FAILED: 'The payment did not go through, so nothing was charged and the seats were released.',
  EXPIRED: 'This booking was not paid in time, so its seats were released.',
  CANCELLED: 'This booking was cancelled.',
  REFUNDED: 'This booking was cancelled and refunded.',
};

export async function render(main, { parameters: [bookingId], query, app }) {
  if (!await app.signedInFor(main, 'Your booking', 'Sign in to see your booking.')) return;

  let notice = null;
  let timer = null;
  // <main> outlives the page: its listener goes when the page does.
  const gone = new AbortController();
  const answer = answerIn(query);
  if (answer) {
    // The address held the gateway's one-time answer; a reload or the back button must not send it again.
    history.replaceState({}, '', location.pathname);
    if (answer.verify) {
      try {
        await postJson('/api/payments/verify', answer.verify, { auth: true });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        notice = { kind: 'error', text: error.humanMessage };
      }
    }
  }

  let booking = await getJson(`/api/bookings/${bookingId}`, { auth: true });
  if (booking.status === 'CONFIRMED') {
    await drawTicket(main, bookingId);
    return undefined;
  }
  let menu = booking.status === 'PENDING_PAYMENT' ? await menuOf(booking.showId) : [];

  function draw() {
    const p = booking.price;
    const outcome = outcomes[booking.status];
    main.innerHTML = `
      <h1>Your booking</h1>
      ${notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : ''}
      ${outcome ? `<p class="error" role="alert">${escape(outcome)}</p>` : ''}
      <p>Seats ${escape(seatList(booking.seats))} · Status: <strong>${escape(titleCase(booking.status))}</strong></p>
      ${priceTable(p)}
      ${booking.status === 'PENDING_PAYMENT'
        ? `${offerSection(booking)}
           ${foodSection(booking, menu)}
           <p id="countdown" class="countdown"></p>
           <div id="checkout"><button type="button" class="primary" data-action="pay">Pay ${money(p.total, p.currency)}</button></div>`
        : `<p><a href="/shows/${booking.showId}">Choose seats again</a> · <a href="/bookings">All my bookings</a></p>`}`;
    tick();
  }

  function tick() {
    const target = main.querySelector('#countdown');
    if (!target) return;
    const left = Date.parse(booking.expiresAt) - Date.now();
    if (left <= 0) {
      booking.status = 'EXPIRED';
      draw();
      return;
    }
    const seconds = Math.ceil(left / 1000);
    target.textContent = `Seats held for ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} more`;
  }

  /** Applies or removes the offer code, then redraws with the new price or the reason the code does not apply. */
  async function changeOffer(change, done) {
    try {
      booking = await change();
      notice = { kind: 'status', text: done(booking) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    app.announce(notice.text);
    draw();
  }

  main.addEventListener('submit', event => {
    if (event.target.id === 'offer-form') {
      event.preventDefault();
      const code = new FormData(event.target).get('code');
      changeOffer(() => applyOffer(booking, code), b => `Offer ${b.offerCode} applied: ${money(b.price.discount, b.price.currency)} off.`);
    } else if (event.target.id === 'food-form') {
      event.preventDefault();
      const form = event.target;
      changeOffer(async () => {
        const changed = await orderFood(booking, form);
        menu = await menuOf(changed.showId);
        return changed;
      }, () => 'Food and drink updated.');
    }
  }, { signal: gone.signal });

  main.addEventListener('click', async event => {
    if (event.target.closest('button[data-action="remove-offer"]')) {
      changeOffer(() => removeOffer(booking), () => 'Offer removed.');
      return;
    }
    const button = event.target.closest('button[data-action="pay"]');
    if (!button) return;
    button.disabled = true;
    try {
      await pay(booking, main.querySelector('#checkout'), { onClosed: () => { button.disabled = false; } });
    } catch (error) {
      notice = { kind: 'error', text: error instanceof ApiError ? error.humanMessage : error.message };
      app.announce(notice.text);
      draw();
    }
  }, { signal: gone.signal });

  draw();
  timer = setInterval(tick, 1000);
  return {
    leave() {
      clearInterval(timer);
      gone.abort();
    },
  };
}

async function drawTicket(main, bookingId) {
  const ticket = await getJson(`/api/bookings/${bookingId}/ticket`, { auth: true });
  const qr = await blobUrl(`/api/bookings/${bookingId}/ticket/qr.png`);
  document.title = 'Your ticket · Movie tickets';
  main.innerHTML = `
    <h1>Your ticket</h1>
    <p class="success" role="status">Booking confirmed. Show this code at the door.</p>
    ${session.user ? `<p id="sent-to">A copy is on its way to ${escape(session.user.email)}${session.user.phone ? ` and, by SMS, to ${escape(session.user.phone)}` : ''}.</p>` : ''}
    <article class="ticket">
      <h2>${escape(ticket.show.movie)}</h2>
      <p>${escape(ticket.theatre.name)} · ${escape(ticket.screen.name)}</p>
      <p>${dateTime(ticket.show.startsAt)} · ${escape(ticket.show.language)} ${escape(ticket.show.format)}</p>
      <p class="seats">Seats ${escape(seatList(ticket.seats))}</p>
      ${ticket.food.length > 0 ? `<p class="food-to-collect">With ${escape(ticket.food.map(f => `${f.name} × ${f.quantity}`).join(', '))}</p>` : ''}
      <img class="qr" src="${qr}" width="240" height="240" alt="Ticket code for seats ${escape(seatList(ticket.seats))}">
      <details><summary>Code as text</summary><code class="code" id="ticket-code">${escape(ticket.qr)}</code></details>
    </article>
    <p><a href="/bookings">All my bookings</a></p>`;
}
