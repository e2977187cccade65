// A screen's price plan, kept by its theatre's owner (or an admin): the standard price of each seat category and the
// bands (days of the week, a time of day) priced differently, such as a matinee or the weekend. Shows scheduled
// without prices take them from the plan; shows already scheduled keep theirs, which the page says.

import { getJson, putJson, del, ApiError } from '../api.js';
import { escape, money } from '../format.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const CATEGORY_ORDER = ['RECLINER', 'PRIME', 'CLASSIC'];

const title = text => text.charAt(0) + text.slice(1).toLowerCase();
const rupees = paise => (paise === undefined ? '' : (paise / 100).toString());

function priceInputs(prefix, categories, prices, legend) {
  return `
    <fieldset class="prices">
      <legend>${escape(legend)}</legend>
      ${categories.map(category => `
        <label>${title(category)} (₹)
          <input name="${prefix}-${category}" type="number" min="1" step="0.01" required
            value="${rupees(prices.find(p => p.category === category)?.amount)}">
        </label>`).join('')}
    </fieldset>`;
}

function bandFields(band, index, categories) {
  const prefix = `band-${index}`;
  return `
    <fieldset class="band" data-band="${index}">
      <legend>Band ${index + 1}${band.name ? `: ${escape(band.name)}` : ''}</legend>
      <div class="filters">
        <label>Name <input name="${prefix}-name" required maxlength="40" value="${escape(band.name)}"></label>
        <label>From <input name="${prefix}-from" type="time" value="${band.from}"></label>
        <label>Until <input name="${prefix}-until" type="time" value="${band.until === '24:00' ? '' : band.until}" aria-describedby="until-hint"></label>
      </div>
      <fieldset class="days">
        <legend>Days</legend>
        ${DAYS.map(day => `
          <label class="inline-check"><input type="checkbox" name="${prefix}-day" value="${day}" ${band.days.includes(day) ? 'checked' : ''}> ${title(day)}</label>`).join('')}
      </fieldset>
      ${priceInputs(prefix, categories, band.prices, `Prices in ${band.name || `band ${index + 1}`}`)}
      <button type="button" data-action="remove-band" data-band="${index}">Remove band ${index + 1}</button>
    </fieldset>`;
}

/** The plan as the form shows it now, in the API's shape (amounts in paise). */
function readForm(form, categories, bandCount) {
  const data = new FormData(form);
  const prices = prefix => categories.map(category => ({ category, amount: Math.round(Number(data.get(`${prefix}-${category}`)) * 100) }));
  const bands = [];
  for (let i = 0; i < bandCount; i++) {
    const until = data.get(`band-${i}-until`);
    bands.push({
      name: data.get(`band-${i}-name`).trim(),
      days: data.getAll(`band-${i}-day`),
      from: data.get(`band-${i}-from`) || '00:00',
      until: until || '24:00',
      prices: prices(`band-${i}`),
    });
  }
  return { prices: prices('standard'), bands };
}

export async function render(main, { query, app }) {
  if (!await app.signedInFor(main, 'Price plans', 'Sign in as a theatre owner to manage your price plans.')) return undefined;
  const gone = new AbortController();
  let theatres;
  try {
    theatres = await getJson('/api/staff/theatres', { auth: true });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    main.innerHTML = `<h1>Price plans</h1><p class="error" role="alert">${escape(error.status === 403 ? 'Only theatre owners and admins manage price plans.' : error.humanMessage)}</p>`;
    return undefined;
  }
  const theatreId = theatres.some(t => t.id === query.get('theatre')) ? query.get('theatre') : theatres[0]?.id;
  const screens = theatres.find(t => t.id === theatreId)?.screens ?? [];
  const screenId = screens.some(s => s.id === query.get('screen')) ? query.get('screen') : screens[0]?.id;
  let categories = [];
  let plan = null;
  let notice = null;

  async function load() {
    if (!screenId) return;
    const screen = await getJson(`/api/screens/${screenId}`);
    const present = new Set(screen.rows.flatMap(row => row.seats.map(seat => seat.category)));
    categories = CATEGORY_ORDER.filter(category => present.has(category));
    const hasPlan = screens.find(s => s.id === screenId).hasPricePlan;
    plan = hasPlan ? await getJson(`/api/screens/${screenId}/price-plan`, { auth: true }) : null;
  }

  function draw(model) {
    const selectors = `
      <form class="filters" id="where">
        <label>Theatre <select name="theatre">
          ${theatres.map(t => `<option value="${t.id}" ${t.id === theatreId ? 'selected' : ''}>${escape(t.name)}, ${escape(t.city)}</option>`).join('')}
        </select></label>
        ${screens.length ? `<label>Screen <select name="screen">
          ${screens.map(s => `<option value="${s.id}" ${s.id === screenId ? 'selected' : ''}>${escape(s.name)}</option>`).join('')}
        </select></label>` : ''}
      </form>`;
    const status = notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : '';
    if (!screenId) {
      main.innerHTML = `<h1>Price plans</h1>${selectors}<p>This theatre has no screens yet.</p>`;
      return;
    }
    main.innerHTML = `
      <h1>Price plans</h1>
      ${selectors}
      ${status}
      <p class="muted" id="plan-state">${plan
        ? `Shows scheduled on this screen without prices take them from this plan. Shows already scheduled keep their prices. Standard: ${categories.map(c => `${title(c)} ${money(plan.prices.find(p => p.category === c)?.amount ?? 0)}`).join(', ')}.`
        : 'This screen has no price plan: its shows are scheduled with prices of their own.'}</p>
      <form id="plan" class="plan">
        ${priceInputs('standard', categories, model.prices, 'Standard prices')}
        <h2>Bands</h2>
        <p class="muted" id="until-hint">A band applies on its days from its start time until its end; leave Until empty for the end of the day. Bands may not overlap.</p>
        ${model.bands.length === 0 ? '<p>No bands: every show takes the standard prices.</p>' : model.bands.map((band, i) => bandFields(band, i, categories)).join('')}
        <div class="actions">
          <button type="button" data-action="add-band">Add a band</button>
          <button type="submit" class="primary">Save price plan</button>
          ${plan ? '<button type="button" data-action="remove-plan">Remove the price plan</button>' : ''}
        </div>
      </form>`;
  }

  const bandCount = () => main.querySelectorAll('fieldset.band').length;
  const current = () => readForm(main.querySelector('#plan'), categories, bandCount());

  main.addEventListener('change', event => {
    const form = event.target.closest('#where');
    if (!form) return;
    const theatre = form.elements.theatre.value;
    const screen = event.target.name === 'screen' ? `&screen=${event.target.value}` : '';
    app.navigate(`/staff/prices?theatre=${theatre}${screen}`);
  }, { signal: gone.signal });

  main.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.action === 'add-band') {
      const model = current();
      model.bands.push({ name: '', days: [], from: '00:00', until: '24:00', prices: model.prices });
      notice = null;
      draw(model);
      main.querySelector(`input[name="band-${model.bands.length - 1}-name"]`).focus();
    } else if (button.dataset.action === 'remove-band') {
      const model = current();
      model.bands.splice(Number(button.dataset.band), 1);
      notice = null;
      draw(model);
      app.announce('Band removed. Save the price plan to keep the change.');
    } else if (button.dataset.action === 'remove-plan') {
      try {
        await del(`/api/screens/${screenId}/price-plan`, { auth: true });
        plan = null;
        notice = { kind: 'status', text: 'Price plan removed. New shows on this screen need prices of their own.' };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        notice = { kind: 'error', text: error.humanMessage };
      }
      app.announce(notice.text);
      draw(plan ?? current());
    }
  }, { signal: gone.signal });

  main.addEventListener('submit', async event => {
    if (event.target.id !== 'plan') return;
    event.preventDefault();
    const model = current();
    try {
      plan = await putJson(`/api/screens/${screenId}/price-plan`, model, { auth: true });
      notice = { kind: 'status', text: 'Price plan saved. New shows on this screen take their prices from it.' };
      draw(plan);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
      draw(model);
    }
    app.announce(notice.text);
  }, { signal: gone.signal });

  await load();
  draw(plan ?? { prices: [], bands: [] });
  return { leave: () => gone.abort() };
}
