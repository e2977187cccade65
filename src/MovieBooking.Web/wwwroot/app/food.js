// Food and drink with a booking awaiting payment: the show's menu with how many are left, quantities per item, and
// the order sent as a whole (it replaces the booking's food). The service prices it and keeps the stock.

import { getJson, putJson } from './api.js';
import { escape, money } from './format.js';

/** The show's menu (items with `left`, none: unlimited). */
export function menuOf(showId) {
  return getJson(`/api/shows/${showId}/menu`);
}

export function foodSection(booking, menu) {
  if (!menu || menu.length === 0) return '';
  const ordered = new Map((booking.food ?? []).map(f => [f.itemId, f.quantity]));
  return `
    <form class="food" id="food-form">
      <fieldset>
        <legend>Food and drink</legend>
        ${menu.map(item => `
          <div class="food-item">
            <label for="food-${item.id}">${escape(item.name)} <span class="${item.veg ? 'veg' : 'nonveg'}">${item.veg ? 'Veg' : 'Non-veg'}</span>
              ${money(item.price, booking.price.currency)}</label>
            <input type="number" id="food-${item.id}" name="${item.id}" min="0" max="10" inputmode="numeric" value="${ordered.get(item.id) ?? 0}">
            ${item.left === null ? '' : `<span class="muted">${item.left} left</span>`}
          </div>`).join('')}
      </fieldset>
      <button type="submit">Update food and drink</button>
    </form>`;
}

/** Sends the form's quantities as the booking's order; the booking comes back repriced. */
export function orderFood(booking, form) {
  const items = [...new FormData(form).entries()]
    .map(([itemId, quantity]) => ({ itemId, quantity: Number(quantity) }))
    .filter(line => line.quantity > 0);
  return putJson(`/api/bookings/${booking.id}/food`, { items }, { auth: true });
}
