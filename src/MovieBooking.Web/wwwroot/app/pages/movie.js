// A movie and its shows in the chosen city on a day, grouped by theatre.

import { getJson } from '../api.js';
import { escape, time, dayLabel } from '../format.js';

export async function render(main, { parameters: [movieId], query, app }) {
  const date = query.get('date');
  const filter = new URLSearchParams({ cityId: app.cityId });
  if (date) filter.set('date', date);
  const [movie, theatres] = await Promise.all([
    getJson(`/api/movies/${movieId}`),
    getJson(`/api/movies/${movieId}/shows?${filter}`),
  ]);
  document.title = `${movie.title} · Movie tickets`;
  main.innerHTML = `
    <p><a href="/${date ? `?date=${date}` : ''}">← All movies</a></p>
    <h1>${escape(movie.title)}</h1>
    <p class="muted">${escape(movie.certificate)} · ${movie.durationMinutes} min · ${escape(movie.genres.join(', '))} · ${escape(movie.languages.join(', '))}</p>
    ${movie.description ? `<p>${escape(movie.description)}</p>` : ''}
    <h2>Shows${date ? ` on ${dayLabel(date)}` : ''}</h2>
    ${theatres.length === 0 ? '<p>No bookable shows in this city on this day.</p>' : ''}
    ${theatres.map(t => `
      <section class="theatre" aria-labelledby="theatre-${t.theatre.id}">
        <h3 id="theatre-${t.theatre.id}">${escape(t.theatre.name)}</h3>
        <p class="muted">${escape(t.theatre.address)}</p>
        <ul class="times">
          ${t.shows.map(s => `<li><a class="time" href="/shows/${s.id}">${time(s.startsAt)}<span class="muted"> ${escape(s.language)} · ${escape(s.format)}</span></a></li>`).join('')}
        </ul>
      </section>`).join('')}`;
}
