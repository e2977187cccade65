// A theatre owner's day: every show of their theatres with its occupancy (available, held, sold), kept current.

import { getJson, ApiError } from '../api.js';
import { escape, time, dayLabel, titleCase } from '../format.js';

/** How often the occupancy is read again while the page is open. */
const RefreshEvery = 5000;

export async function render(main, { query, app }) {
  if (!await app.signedInFor(main, 'Shows', 'Sign in as a theatre owner to see your shows.')) return;

  const today = new Date(Date.now() + 5.5 * 3600 * 1000).toISOString().slice(0, 10);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') ?? '') ? query.get('date') : today;
  main.innerHTML = `
    <h1>Shows on ${dayLabel(date)}</h1>
    <form class="filters" id="day"><label>Day <input type="date" name="date" value="${date}"></label></form>
    <p class="muted" id="updated" role="status"></p>
    <div id="shows"></div>`;
  const table = main.querySelector('#shows');
  const updated = main.querySelector('#updated');
  main.querySelector('#day').addEventListener('change', event => app.navigate(`/staff?date=${event.target.value}`));

  async function draw() {
    try {
      const shows = await getJson(`/api/staff/shows?date=${date}`, { auth: true });
      table.innerHTML = shows.length === 0 ? '<p>No shows in your theatres on this day.</p>' : `
        <table class="occupancy">
          <caption class="visually-hidden">Occupancy of each show</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">Movie</th><th scope="col">Theatre</th><th scope="col">Status</th>
            <th scope="col">Available</th><th scope="col">Held</th><th scope="col">Sold</th></tr></thead>
          <tbody>
            ${shows.map(s => `
              <tr data-id="${s.id}">
                <td>${time(s.startsAt)}</td>
                <td><a href="/shows/${s.id}">${escape(s.movie)}</a></td>
                <td>${escape(s.theatre)} · ${escape(s.screen)}</td>
                <td>${escape(titleCase(s.status))}</td>
                <td class="count available">${s.seats.AVAILABLE}</td>
                <td class="count held">${s.seats.HELD}</td>
                <td class="count sold">${s.seats.BOOKED}</td>
              </tr>`).join('')}
          </tbody>
        </table>`;
      updated.textContent = `Updated at ${new Date().toLocaleTimeString('en-IN', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}; refreshed every ${RefreshEvery / 1000} seconds.`;
    } catch (error) {
      updated.textContent = error instanceof ApiError
        ? (error.status === 403 ? 'Only theatre owners and admins see this page.' : error.humanMessage)
        : 'Could not load the shows.';
    }
  }

  await draw();
  const timer = setInterval(draw, RefreshEvery);
  return { leave() { clearInterval(timer); } };
}
