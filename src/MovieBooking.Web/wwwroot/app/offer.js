// The offer code of a booking awaiting payment: a form to apply one, or the code applied and a way to remove it.
// The service judges every code; a code that does not apply comes back as a 422 whose words are shown as they are.

import { postJson, del } from './api.js';
import { escape, money } from './format.js';

export function offerSection(booking) {
  if (booking.offerCode) {
    return `<p class="offer">Offer <strong>${escape(booking.offerCode)}</strong> applied: ${money(booking.price.discount, booking.price.currency)} off.
      <button type="button" class="link" data-action="remove-offer">Remove offer</button></p>`;
  }
  return `
    <form class="offer" id="offer-form">
      <label for="offer-code">Offer code</label>
      <span class="inline"><input id="offer-code" name="code" maxlength="20" autocomplete="off" autocapitalize="characters" required>
      <button type="submit">Apply</button></span>
    </form>`;
}

/** The booking with the code applied (its price now shows the discount). */
export function applyOffer(booking, code) {
  return postJson(`/api/bookings/${booking.id}/offer`, { code: code.trim() }, { auth: true });
}

/** The booking without its code, at its full price again. */
export function removeOffer(booking) {
  return del(`/api/bookings/${booking.id}/offer`, { auth: true });
}
