// A theatre's menu of food and drink, kept by its owner (or an admin): the items with their price, GST rate and stock
// per show, a form to add one, and taking one off the menu (orders already placed keep it).

import { getJson, postJson, del, ApiError } from '../api.js';
import { escape, money } from '../format.js';

export async function render(main, { query, app }) {
  if (!await app.signedInFor(main, 'Menu', 'Sign in as a theatre owner to manage your menus.')) return undefined;
  const gone = new AbortController();
  let notice = null;
  let theatres;
  try {
    theatres = await getJson('/api/staff/theatres', { auth: true });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    main.innerHTML = `<h1>Menu</h1><p class="error" role="alert">${escape(error.status === 403 ? 'Only theatre owners and admins manage menus.' : error.humanMessage)}</p>`;
    return undefined;
  }
  const theatreId = theatres.some(t => t.id === query.get('theatre')) ? query.get('theatre') : theatres[0]?.id;

  async function draw() {
    const items = theatreId ? await getJson(`/api/theatres/${theatreId}/menu`) : [];
    main.innerHTML = `
      <h1>Menu</h1>
      <form class="filters" id="theatre"><label>Theatre <select name="theatre">
        ${theatres.map(t => `<option value="${t.id}" ${t.id === theatreId ? 'selected' : ''}>${escape(t.name)}, ${escape(t.city)}</option>`).join('')}
      </select></label></form>
      ${notice ? `<p class="${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escape(notice.text)}</p>` : ''}
      <table class="occupancy" id="menu">
        <caption class="visually-hidden">The theatre's menu</caption>
        <thead><tr><th scope="col">Item</th><th scope="col">Price (GST included)</th><th scope="col">GST</th><th scope="col">Stock per show</th><th scope="col">Menu</th></tr></thead>
        <tbody>
          ${items.length === 0 ? '<tr><td colspan="5">Nothing on the menu yet.</td></tr>' : items.map(i => `
            <tr data-id="${i.id}">
              <td>${escape(i.name)} <span class="${i.veg ? 'veg' : 'nonveg'}">${i.veg ? 'Veg' : 'Non-veg'}</span>${i.kind === 'COMBO' ? ' (combo)' : ''}</td>
              <td>${money(i.price)}</td>
              <td>${i.taxRate} %</td>
              <td>${i.stockPerShow ?? 'Unlimited'}</td>
              <td><button type="button" data-action="withdraw" data-id="${i.id}" data-name="${escape(i.name)}">Take ${escape(i.name)} off the menu</button></td>
            </tr>`).join('')}
        </tbody>
      </table>
      <form id="new-item" class="filters">
        <h2>Add to the menu</h2>
        <label>Name <input name="name" required minlength="2" maxlength="80"></label>
        <label>Kind <select name="kind"><option value="ITEM">Item</option><option value="COMBO">Combo</option></select></label>
        <label>Price in rupees <input name="price" type="number" min="1" step="0.01" required></label>
        <label>Stock per show <input name="stock" type="number" min="0" placeholder="Unlimited"></label>
        <label class="inline-check"><input name="veg" type="checkbox" checked> Vegetarian</label>
        <button type="submit" class="primary">Add item</button>
      </form>`;
  }

  main.addEventListener('change', event => {
    if (event.target.name === 'theatre') app.navigate(`/staff/menu?theatre=${event.target.value}`);
  }, { signal: gone.signal });

  main.addEventListener('submit', async event => {
    if (event.target.id !== 'new-item') return;
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const item = await postJson(`/api/theatres/${theatreId}/menu`, {
        name: form.get('name').trim(),
        kind: form.get('kind'),
        price: Math.round(Number(form.get('price')) * 100),
        veg: form.get('veg') === 'on',
        stockPerShow: form.get('stock') === '' ? undefined : Number(form.get('stock')),
      }, { auth: true });
      notice = { kind: 'status', text: `${item.name} added to the menu.` };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    app.announce(notice.text);
    await draw();
  }, { signal: gone.signal });

  main.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action="withdraw"]');
    if (!button) return;
    try {
      await del(`/api/menu/${button.dataset.id}`, { auth: true });
      notice = { kind: 'status', text: `${button.dataset.name} is off the menu.` };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      notice = { kind: 'error', text: error.humanMessage };
    }
    app.announce(notice.text);
    await draw();
  }, { signal: gone.signal });

  await draw();
  return { leave: () => gone.abort() };
}
