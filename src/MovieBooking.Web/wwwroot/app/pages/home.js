// Movies showing in the chosen city on a chosen day, filtered by language and genre.

import { getJson } from '../api.js';
import { escape, dayLabel } from '../format.js';

function nextDays(count) {
  // The demo cities are in India; the API reads a date as the city's calendar day.
  const today = new Date(Date.now() + 5.5 * 3600 * 1000);
  return Array.from({ length: count }, (_, i) => new Date(today.getTime() + i * 86400000).toISOString().slice(0, 10));
}

// Late in the evening today's shows have all begun: the page opens on the first day that still has some.
async function firstDayWithShows(cityId, days) {
  for (const day of days) {
    const found = await getJson(`/api/cities/${cityId}/movies?${new URLSearchParams({ date: day, pageSize: '1' })}`);
    if (found.items.length > 0) return day;
  }
  return days[0];
}

export async function render(main, { query, app }) {
  const city = app.cities.find(c => c.id === app.cityId);
  const days = nextDays(7);
  const date = days.includes(query.get('date')) ? query.get('date') : await firstDayWithShows(app.cityId, days);
  const language = query.get('language') ?? '';
  const genre = query.get('genre') ?? '';
  document.title = `Movies in ${city?.name ?? 'your city'} · Movie tickets`;

  const filter = new URLSearchParams({ date, pageSize: '100' });
  if (language) filter.set('language', language);
  if (genre) filter.set('genre', genre);
  const [movies, all] = await Promise.all([
    getJson(`/api/cities/${app.cityId}/movies?${filter}`),
    getJson(`/api/cities/${app.cityId}/movies?${new URLSearchParams({ date, pageSize: '100' })}`),
  ]);
  const languages = [...new Set(all.items.flatMap(m => m.languages))].sort();
  const genres = [...new Set(all.items.flatMap(m => m.genres))].sort();
  const option = (value, selected) => `<option value="${escape(value)}"${value === selected ? ' selected' : ''}>${escape(value)}</option>`;

  main.innerHTML = `
    <h1>Movies in ${escape(city?.name ?? '')}</h1>
    <form class="filters" id="filters">
      <label>Day <select name="date">${days.map(d => `<option value="${d}"${d === date ? ' selected' : ''}>${dayLabel(d)}</option>`).join('')}</select></label>
      <label>Language <select name="language"><option value="">Any</option>${languages.map(l => option(l, language)).join('')}</select></label>
      <label>Genre <select name="genre"><option value="">Any</option>${genres.map(g => option(g, genre)).join('')}</select></label>
    </form>
    ${movies.items.length === 0 ? '<p>No shows match on this day. Try another day or filter.</p>' : ''}
    <ul class="cards">
      ${movies.items.map(m => `
        <li class="card">
          <h2><a href="/movies/${m.id}?date=${date}">${escape(m.title)}</a></h2>
          <p class="muted">${escape(m.certificate)} · ${m.durationMinutes} min · ${escape(m.genres.join(', '))}</p>
          <p>${escape(m.languages.join(', '))}</p>
        </li>`).join('')}
    </ul>`;
  main.querySelector('#filters').addEventListener('change', event => {
    const form = event.currentTarget;
    const next = new URLSearchParams();
    for (const name of ['date', 'language', 'genre']) {
      if (form.elements[name].value) next.set(name, form.elements[name].value);
    }
    app.navigate(`/?${next}`);
  });
}
