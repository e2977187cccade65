// A confirmed booking's ticket: show, theatre, seats and the signed QR code the theatre scans.

import { getJson, blobUrl } from '../api.js';
import { escape, dateTime, seatList } from '../format.js';

export async function render(main, { parameters: [bookingId], app }) {
  if (!await app.signedInFor(main, 'Your ticket', 'Sign in to see your ticket.')) return;

  const ticket = await getJson(`/api/bookings/${bookingId}/ticket`, { auth: true });
  const qr = await blobUrl(`/api/bookings/${bookingId}/ticket/qr.png`);
  main.innerHTML = `
    <h1>Your ticket</h1>
    <p class="success" role="status">Booking confirmed. Show this code at the door.</p>
    <article class="ticket">
      <h2>${escape(ticket.show.movie)}</h2>
      <p>${escape(ticket.theatre.name)} · ${escape(ticket.screen.name)}</p>
      <p>${dateTime(ticket.show.startsAt)} · ${escape(ticket.show.language)} ${escape(ticket.show.format)}</p>
      <p class="seats">Seats ${escape(seatList(ticket.seats))}</p>
      <img class="qr" src="${qr}" width="240" height="240" alt="Ticket code for seats ${escape(seatList(ticket.seats))}">
      <details><summary>Code as text</summary><code class="code" id="ticket-code">${escape(ticket.qr)}</code></details>
    </article>
    <p><a href="/bookings">All my bookings</a></p>`;
}
