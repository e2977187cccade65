// Money arrives in minor units (paise) with its currency; times arrive in the show's city offset and are shown
// as that city's clock reads them, whatever the device's own zone.

const moneyFormats = new Map();

export function money(minor, currency = 'INR') {
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat('en-IN', { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 2 }));
  }
  return moneyFormats.get(currency).format(minor / 100);
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The wall-clock parts of an ISO 8601 time with offset, without moving it to the device's zone. */
function parts(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match;
  const weekday = new Date(Date.UTC(+year, +month - 1, +day)).getUTCDay();
  return { year: +year, month: +month, day: +day, hour, minute, weekday };
}

export function time(iso) {
  const p = parts(iso);
  return p ? `${p.hour}:${p.minute}` : iso;
}

export function dateTime(iso) {
  const p = parts(iso);
  return p ? `${days[p.weekday]} ${p.day} ${months[p.month - 1]}, ${p.hour}:${p.minute}` : iso;
}

export function dayLabel(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${days[weekday]} ${day} ${months[month - 1]}`;
}

export function titleCase(upper) {
  return upper.charAt(0) + upper.slice(1).toLowerCase().replaceAll('_', ' ');
}

/** Seats in words: "C7", "C7 and C8", "C7, C8 and D1". */
export function seatList(seats) {
  if (seats.length <= 1) return seats.join('');
  return `${seats.slice(0, -1).join(', ')} and ${seats[seats.length - 1]}`;
}

export function escape(text) {
  return String(text ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** A booking's price breakdown as the API gives it: seats, offer, food, convenience fee, GST on the fee, total. */
export function priceTable(price) {
  return `
    <table class="price"><tbody>
      <tr><th scope="row">Seats</th><td>${money(price.seats, price.currency)}</td></tr>
      ${price.discount > 0 ? `<tr class="discount"><th scope="row">Offer</th><td>−${money(price.discount, price.currency)}</td></tr>` : ''}
      ${price.food > 0 ? `<tr><th scope="row">Food and drink</th><td>${money(price.food, price.currency)}</td></tr>` : ''}
      <tr><th scope="row">Convenience fee</th><td>${money(price.convenienceFee, price.currency)}</td></tr>
      <tr><th scope="row">GST on the fee</th><td>${money(price.tax, price.currency)}</td></tr>
      <tr class="total"><th scope="row">Total</th><td>${money(price.total, price.currency)}</td></tr>
    </tbody></table>
    <p class="muted">Includes ${money(price.taxIncluded, price.currency)} GST on the tickets${price.food > 0 ? ' and food' : ''}.</p>`;
}
