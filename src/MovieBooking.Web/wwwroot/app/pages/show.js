// A show's live seat map: choose seats, hold them, book and pay. The map follows the show's seat stream, so a seat
// someone else takes turns unavailable here without a reload, and the page reconnects by itself.

import { getJson, postJson, ApiError, session } from '../api.js';
import { escape, money, dateTime, seatList, titleCase, priceTable } from '../format.js';
import { pay } from '../checkout.js';
import { offerSection, applyOffer, removeOffer } from '../offer.js';
import { menuOf, foodSection, orderFood } from '../food.js';

/** What the service allows one person to hold of a show (Booking:MaxSeatsPerUser); the service enforces it. */
const MaxSeats = 10;

export async function render(main, { parameters: [showId], app }) {
  const show = await getJson(`/api/shows/${showId}`);
  document.title = `${show.movie.title}, ${dateTime(show.startsAt)} · Movie tickets`;
  main.innerHTML = `
    <p><a href="/movies/${show.movie.id}">← ${escape(show.movie.title)}</a></p>
    <h1>${escape(show.movie.title)}</h1>
    <p class="muted">${escape(show.theatre.name)} · ${escape(show.screen.name)} · ${dateTime(show.startsAt)} · ${escape(show.language)} ${escape(show.format)}</p>
    <p id="connection" class="muted" role="status"></p>
    <div class="legend" aria-label="Seat categories and prices">
      ${show.prices.map(p => `<span class="chip cat-${p.category}">${titleCase(p.category)} ${money(p.amount, p.currency)}</span>`).join('')}
      <span class="chip status-AVAILABLE">Available</span><span class="chip status-SELECTED">Selected</span>
      <span class="chip status-HELD">Held</span><span class="chip status-BOOKED">Sold</span><span class="chip status-BLOCKED">Not for sale</span>
    </div>
    <div class="seatmap-scroll">
      <div class="screen" aria-hidden="true">Screen this way</div>
      <div id="seatmap" class="seatmap" role="group" aria-label="Seat map, screen at the top. Arrow keys move between seats; Space or Enter chooses one."></div>
    </div>
    <section id="panel" class="panel" aria-live="polite"></section>`;

  const map = main.querySelector('#seatmap');
  const panel = main.querySelector('#panel');
  const connection = main.querySelector('#connection');
  const seats = new Map();
  const selected = new Set();
  let hold = null;
  let booking = null;
  let menu = [];
  let message = null;
  let countdown = null;
  let focusId = null;
  let stream = null;
  let left = false;
  // The gap rule's verdict on the current selection: null, { checking }, or { stranded, suggestion } (see judge()).
  let gap = null;
  let partySize = 2;
  let partyCategory = '';
  const gapRule = show.theatre.gapRule ?? 'OFF';

  function label(seat) {
    const state = selected.has(seat.id) ? 'selected' : mine(seat.id) ? 'held for you' : { AVAILABLE: 'available', HELD: 'held', BOOKED: 'sold', BLOCKED: 'not for sale' }[seat.status];
    return `Row ${seat.row}, seat ${seat.number}, ${titleCase(seat.category)}, ${money(seat.price, show.prices[0]?.currency)}, ${state}`;
  }

  function mine(id) {
    return (hold?.seatIds ?? []).includes(id);
  }

  function drawMap(snapshot) {
    seats.clear();
    const columns = Math.max(1, ...snapshot.rows.flatMap(r => r.seats.map(s => s.column + 1)));
    map.style.setProperty('--columns', columns);
    map.innerHTML = '';
    for (const row of snapshot.rows) {
      const line = document.createElement('div');
      line.className = 'seat-row';
      line.setAttribute('role', 'group');
      line.setAttribute('aria-label', `Row ${row.label}`);
      const name = document.createElement('span');
      name.className = 'row-label';
      name.setAttribute('aria-hidden', 'true');
      name.textContent = row.label;
      line.append(name);
      for (const seat of row.seats) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.dataset.id = seat.id;
        button.style.gridColumn = String(seat.column + 2);
        button.textContent = seat.number;
        button.tabIndex = -1;
        seats.set(seat.id, { ...seat, row: row.label, button });
        line.append(button);
      }
      map.append(line);
    }
    for (const seat of seats.values()) paint(seat);
    const first = focusId && seats.has(focusId) ? focusId : [...seats.values()].find(s => s.status === 'AVAILABLE')?.id ?? seats.keys().next().value;
    if (first) seats.get(first).button.tabIndex = 0;
  }

  function paint(seat) {
    const button = seat.button;
    const status = selected.has(seat.id) ? 'SELECTED' : mine(seat.id) ? 'MINE' : seat.status;
    button.className = `seat cat-${seat.category} status-${status}`;
    button.setAttribute('aria-label', label(seat));
    button.setAttribute('aria-pressed', String(selected.has(seat.id)));
    button.setAttribute('aria-disabled', String(!(seat.status === 'AVAILABLE' || selected.has(seat.id)) || hold !== null));
  }

  function applyChanges(change) {
    const taken = [];
    for (const { id, status } of change.seats) {
      const seat = seats.get(id);
      if (!seat) continue;
      seat.status = status;
      if (selected.has(id) && status !== 'AVAILABLE') {
        selected.delete(id);
        taken.push(id);
      }
      paint(seat);
    }
    if (taken.length > 0) {
      message = { kind: 'error', text: `Seat${taken.length > 1 ? 's' : ''} ${seatList(taken)} ${taken.length > 1 ? 'were' : 'was'} just taken by someone else.` };
      app.announce(message.text);
      drawPanel();
    } else if (change.seats.length > 0 && change.seats.length <= 3) {
      app.announce(change.seats.map(s => `${s.id} ${s.status === 'AVAILABLE' ? 'is free' : s.status === 'HELD' ? 'is held' : s.status === 'BOOKED' ? 'is sold' : 'is not for sale'}`).join(', '));
    }
  }

  function follow() {
    stream = new EventSource(`/api/shows/${showId}/seats/stream`);
    stream.addEventListener('snapshot', event => drawMap(JSON.parse(event.data)));
    stream.addEventListener('seats', event => applyChanges(JSON.parse(event.data)));
    stream.addEventListener('open', () => { connection.textContent = ''; });
    stream.addEventListener('error', () => {
      connection.textContent = 'Live updates interrupted; reconnecting…';
      if (stream.readyState === EventSource.CLOSED && !left) {
        setTimeout(() => { if (!left) follow(); }, 2000);
      }
    });
  }

  function total() {
    return [...selected].reduce((sum, id) => sum + seats.get(id).price, 0);
  }

  function drawPanel() {
    const currency = show.prices[0]?.currency ?? 'INR';
    let html = message ? `<p class="${message.kind}" role="${message.kind === 'error' ? 'alert' : 'status'}">${escape(message.text)}</p>` : '';
    if (message?.retry) html += `<p><button type="button" data-action="${message.retry}">Try again</button></p>`;
    if (booking) {
      const p = booking.price;
      html += `
        <h2>Your booking</h2>
        <p>Seats ${escape(seatList(booking.seats))}</p>
        ${priceTable(p)}
        ${offerSection(booking)}
        ${foodSection(booking, menu)}
        <p id="countdown" class="countdown"></p>
        <div id="checkout"><button type="button" class="primary" data-action="pay">Pay ${money(p.total, p.currency)}</button></div>`;
    } else if (hold) {
      html += `
        <h2>Seats held for you</h2>
        <p>${escape(seatList(hold.seatIds))}: ${money(hold.seatIds.reduce((sum, id) => sum + (seats.get(id)?.price ?? 0), 0), currency)}</p>
        <p id="countdown" class="countdown"></p>
        <button type="button" class="primary" data-action="book">Continue to payment</button>`;
    } else {
      html += selected.size === 0
        ? bestForm()
        : `<p>${selected.size} seat${selected.size > 1 ? 's' : ''} (${escape(seatList([...selected]))}): <strong>${money(total(), currency)}</strong></p>
           ${gapNotice()}
           <button type="button" class="primary" data-action="hold"${gap ? ' disabled' : ''}>Hold ${selected.size === 1 ? 'this seat' : 'these seats'}</button>
           <button type="button" data-action="clear">Clear</button>`;
    }
    panel.innerHTML = html;
    tick();
  }

  /** "How many seats?" first: the service picks the best ones, shown on the map before anything is held. */
  function bestForm() {
    const sizes = Array.from({ length: MaxSeats }, (_, i) => i + 1)
      .map(n => `<option value="${n}"${n === partySize ? ' selected' : ''}>${n}</option>`).join('');
    const categories = show.prices
      .map(p => `<option value="${p.category}"${p.category === partyCategory ? ' selected' : ''}>${titleCase(p.category)}</option>`).join('');
    return `
      <form id="best-form" class="best-form">
        <label>How many seats? <select name="count">${sizes}</select></label>
        <label>Where? <select name="category"><option value="">Any category</option>${categories}</select></label>
        <button type="submit" class="primary">Find the best seats</button>
      </form>
      <p class="muted">Choose your seats on the map instead, if you like.</p>`;
  }

  /** Why the selection cannot be held as it is, with the nearest one that can a tap away. */
  function gapNotice() {
    if (!gap) return '';
    if (gap.checking) return '<p class="muted" role="status">Checking these seats…</p>';
    return `
      <p class="error" role="alert">This would leave seat ${escape(gap.stranded)} on its own, and a single seat between others rarely sells.
        Seats ${escape(seatList(gap.suggestion))} leave nobody's seat alone.</p>
      <p><button type="button" data-action="suggest">Choose ${escape(seatList(gap.suggestion))} instead</button></p>`;
  }

  /**
   * Asks the service whether the selection would strand a seat under the theatre's rule (the same rule the hold is
   * judged by), before anything is sent to hold it. A later change of selection makes an earlier answer moot.
   */
  async function judge() {
    if (gapRule === 'OFF' || selected.size === 0 || hold) {
      gap = null;
      return;
    }
    const asked = [...selected].sort().join(',');
    gap = { checking: true };
    drawPanel();
    try {
      const query = [...selected].map(id => `seatIds=${encodeURIComponent(id)}`).join('&');
      const verdict = await getJson(`/api/shows/${showId}/seat-check?${query}`);
      if ([...selected].sort().join(',') !== asked) return;
      gap = verdict.strandedSeat ? { stranded: verdict.strandedSeat, suggestion: verdict.suggestedSeats } : null;
      if (gap) app.announce(`Seat ${gap.stranded} would be left on its own. Seats ${seatList(gap.suggestion)} would not.`);
    } catch {
      // The hold itself is judged by the service; without an answer here the choice is left to it.
      if ([...selected].sort().join(',') === asked) gap = null;
    }
    drawPanel();
  }

  function choose(ids) {
    selected.clear();
    for (const id of ids) selected.add(id);
    for (const seat of seats.values()) paint(seat);
  }

  function tick() {
    const target = panel.querySelector('#countdown');
    const until = booking?.expiresAt ?? hold?.expiresAt;
    if (!target || !until) return;
    const left = Date.parse(until) - Date.now();
    if (left <= 0) {
      lapse();
      return;
    }
    const seconds = Math.ceil(left / 1000);
    target.textContent = `Held for ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} more`;
  }

  function lapse() {
    const seatsLost = hold?.seatIds ?? [];
    hold = null;
    booking = null;
    selected.clear();
    message = { kind: 'error', text: `Your hold on ${seatList(seatsLost)} ran out; the seats are free for anyone again. Choose seats to start over.` };
    app.announce(message.text);
    for (const seat of seats.values()) paint(seat);
    drawPanel();
  }

  async function act(action, code) {
    message = null;
    try {
      if (action === 'best') {
        const query = `count=${partySize}${partyCategory ? `&category=${partyCategory}` : ''}`;
        const best = await getJson(`/api/shows/${showId}/best-seats?${query}`);
        choose(best.seatIds);
        gap = null;
        message = { kind: 'status', text: `The best ${best.seatIds.length === 1 ? 'seat is' : `${best.seatIds.length} seats are`} ${seatList(best.seatIds)}, marked on the map. Hold ${best.seatIds.length === 1 ? 'it' : 'them'}, or change the choice on the map.` };
        app.announce(message.text);
      } else if (action === 'suggest') {
        choose(gap.suggestion);
        message = null;
        gap = null;
        app.announce(`Seats ${seatList([...selected])} chosen.`);
      } else if (action === 'clear') {
        choose([]);
        gap = null;
      } else if (action === 'hold') {
        await app.requireSignIn();
        const chosen = [...selected];
        hold = await postJson(`/api/shows/${showId}/holds`, { seatIds: chosen }, { auth: true });
        selected.clear();
        app.announce(`Seats ${seatList(hold.seatIds)} are held for you.`);
      } else if (action === 'book') {
        booking = await postJson('/api/bookings', { holdId: hold.holdId }, { auth: true });
        menu = await menuOf(showId);
      } else if (action === 'order-food') {
        booking = await orderFood(booking, code);
        menu = await menuOf(showId);
        message = { kind: 'status', text: 'Food and drink updated.' };
        app.announce(message.text);
      } else if (action === 'apply-offer') {
        booking = await applyOffer(booking, code);
        message = { kind: 'status', text: `Offer ${booking.offerCode} applied: ${money(booking.price.discount, booking.price.currency)} off.` };
        app.announce(message.text);
      } else if (action === 'remove-offer') {
        booking = await removeOffer(booking);
        message = { kind: 'status', text: 'Offer removed.' };
        app.announce(message.text);
      } else if (action === 'pay') {
        // The gateway's checkout takes over (or draws its form in the panel) and comes back to the booking's page.
        panel.querySelector('button[data-action="pay"]').disabled = true;
        await pay(booking, panel.querySelector('#checkout'), { onClosed: drawPanel });
        return;
      }
    } catch (error) {
      if (!(error instanceof ApiError)) {
        if (error?.message === 'Sign-in cancelled') return;
        // Only the gateway's script failing to load is expected here; anything else is a defect to report.
        if (action !== 'pay') throw error;
      }
      const unavailable = error.problem?.unavailableSeats;
      if (error.status === 409 && error.problem?.strandedSeat) {
        gap = { stranded: error.problem.strandedSeat, suggestion: error.problem.suggestedSeats };
        message = null;
        app.announce(`Nothing was held: seat ${gap.stranded} would be left on its own.`);
      } else if (error.status === 409 && action === 'best') {
        message = { kind: 'error', text: error.problem?.detail ?? error.humanMessage };
      } else if (error.status === 409 && Array.isArray(unavailable)) {
        for (const id of unavailable) selected.delete(id);
        message = { kind: 'error', text: `Sorry, ${unavailable.length > 1 ? 'seats' : 'seat'} ${seatList(unavailable)} ${unavailable.length > 1 ? 'were' : 'was'} just taken. Nothing was held; please choose again.` };
      } else if (!(error instanceof ApiError)) {
        message = { kind: 'error', text: error.message, retry: action };
      } else {
        // A busy or briefly unavailable service: the same step can simply be tried again.
        message = { kind: 'error', text: error.humanMessage, retry: error.status === 429 || error.status >= 500 ? action : null };
      }
      app.announce(message.text);
    }
    for (const seat of seats.values()) paint(seat);
    drawPanel();
    if (action === 'suggest') judge();
  }

  map.addEventListener('click', event => {
    const button = event.target.closest('.seat');
    if (!button || hold) return;
    const seat = seats.get(button.dataset.id);
    focus(seat.id);
    if (selected.has(seat.id)) {
      selected.delete(seat.id);
    } else if (seat.status === 'AVAILABLE') {
      if (selected.size >= MaxSeats) {
        message = { kind: 'error', text: `You can choose up to ${MaxSeats} seats at a time.` };
        drawPanel();
        return;
      }
      selected.add(seat.id);
    } else {
      return;
    }
    message = null;
    paint(seat);
    drawPanel();
    judge();
  });

  function focus(id) {
    for (const seat of seats.values()) seat.button.tabIndex = -1;
    const seat = seats.get(id);
    seat.button.tabIndex = 0;
    seat.button.focus();
    focusId = id;
  }

  map.addEventListener('keydown', event => {
    const current = seats.get(event.target.closest('.seat')?.dataset.id);
    if (!current) return;
    const ordered = [...seats.values()];
    const rows = [...new Set(ordered.map(s => s.row))];
    let next = null;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      const inRow = ordered.filter(s => s.row === current.row);
      next = inRow[inRow.indexOf(current) + (event.key === 'ArrowRight' ? 1 : -1)];
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const row = rows[rows.indexOf(current.row) + (event.key === 'ArrowDown' ? 1 : -1)];
      const inRow = ordered.filter(s => s.row === row);
      next = inRow.reduce((best, s) => (!best || Math.abs(s.column - current.column) < Math.abs(best.column - current.column) ? s : best), null);
    } else if (event.key === 'Home' || event.key === 'End') {
      const inRow = ordered.filter(s => s.row === current.row);
      next = event.key === 'Home' ? inRow[0] : inRow[inRow.length - 1];
    }
    if (next) {
      event.preventDefault();
      focus(next.id);
    }
  });

  panel.addEventListener('click', event => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    if (action) act(action);
  });
  panel.addEventListener('change', event => {
    if (event.target.name === 'count') partySize = Number(event.target.value);
    if (event.target.name === 'category') partyCategory = event.target.value;
  });
  panel.addEventListener('submit', event => {
    if (event.target.id === 'best-form') {
      event.preventDefault();
      act('best');
    } else if (event.target.id === 'offer-form') {
      event.preventDefault();
      act('apply-offer', new FormData(event.target).get('code'));
    } else if (event.target.id === 'food-form') {
      event.preventDefault();
      act('order-food', event.target);
    }
  });

  session.onChange(() => drawPanel());
  follow();
  drawPanel();
  countdown = setInterval(tick, 1000);

  return {
    leave() {
      left = true;
      stream?.close();
      clearInterval(countdown);
    },
  };
}
