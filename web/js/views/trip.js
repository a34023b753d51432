// A trip's live seat map, my holds with their countdown, passenger details and booking.

import { h, icon, clear } from '../dom.js';
import { api, ApiError } from '../api.js';
import { session } from '../session.js';
import { SeatFeed } from '../live.js';
import { buildCoach, legend } from '../seatmap.js';
import { pageTitle, errorBox, banner, toast, emptyState } from '../ui.js';
import { navigate, loginHref } from '../nav.js';
import * as fmt from '../format.js';

const GENDERS = ['Female', 'Male', 'Other'];

/** Why a passenger name is refused (the server's rule: 1-80 printable characters), or null. */
function nameError(name) {
  const chars = [...name];
  if (!chars.length) return 'Enter the passenger’s name.';
  if (chars.length > 80) return 'A name is at most 80 characters.';
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'A name cannot contain control characters.';
  return null;
}

/** The message under a form control, tied to it with aria-describedby. */
function fieldError(control) {
  const el = h('p', { class: 'field__error', hidden: true });
  el.id = `${control.id || `c-${Math.random().toString(36).slice(2, 9)}`}-error`;
  return el;
}

function setFieldError(control, box, message) {
  const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== box.id);
  if (message) {
    box.textContent = message;
    box.hidden = false;
    control.setAttribute('aria-invalid', 'true');
    ids.push(box.id);
  } else {
    box.textContent = '';
    box.hidden = true;
    control.removeAttribute('aria-invalid');
  }
  if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

function rememberedSummary(id) {
  try { return JSON.parse(sessionStorage.getItem(`seatd.trip.${id}`) || 'null'); } catch { return null; }
}

function lastSearch() {
  try { return sessionStorage.getItem('seatd.lastSearch') || '#/'; } catch { return '#/'; }
}

export async function tripView({ main, params, signal }) {
  const tripId = Number(params[0]);
  main.append(h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading the seat map…'));

  let trip;
  let seatRows;
  try {
    [trip, seatRows] = await Promise.all([
      api(`/trips/${tripId}`, { signal }),
      api(`/trips/${tripId}/seats`, { signal }),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(main);
    if (err instanceof ApiError && err.status === 404) {
      main.append(pageTitle('Trip not found'),
        emptyState('We could not find this trip.', 'It may have been removed from the schedule.', h('a', { class: 'button', href: '#/' }, 'Search for trips')));
      return undefined;
    }
    throw err;
  }
  clear(main);

  // seatd's GET /trips/{id} names the bus; a server that keeps to the original contract does
  // not, and then the search result this page was opened from does.
  const summary = rememberedSummary(tripId);
  const fromSearch = summary && summary.trip_id === tripId ? summary : {};
  const busName = trip.bus_name || fromSearch.bus_name || null;
  const busType = trip.bus_type || fromSearch.bus_type || null;
  const total = seatRows.length;
  const departed = fmt.parseLocal(trip.departure_time) < new Date();

  // ---- state ------------------------------------------------------------------------
  // seat number -> {state: 'free'|'held'|'sold', userId, expiresAt}
  const seats = new Map();
  for (const s of seatRows) {
    seats.set(s.seat_number, s.is_booked ? { state: 'sold' } : s.is_locked ? { state: 'held', userId: null } : { state: 'free' });
  }
  const pending = new Set();
  let booking = false;
  const me = () => (session.user ? session.user.id : null);
  const isMine = (st) => st && st.state === 'held' && st.userId != null && st.userId === me();
  const myHolds = () => [...seats.entries()].filter(([, st]) => isMine(st)).map(([n, st]) => ({ n, expiresAt: st.expiresAt }))
    .sort((a, b) => a.n - b.n);

  // ---- page structure ----------------------------------------------------------------
  const coach = buildCoach(total, onSeat);
  const seatMessage = h('div', { class: 'seat-message', role: 'status', 'aria-live': 'polite' });
  const liveStatus = h('p', { class: 'live-status live-status--connecting', 'data-testid': 'live-status' }, 'Connecting…');
  const holdsList = h('ul', { class: 'holds', 'aria-label': 'Seats you hold' });
  const holdsEmpty = h('p', { class: 'holds__empty' }, 'No seats selected yet. Choose free seats on the map.');
  const holdsHeadline = h('p', { class: 'holds__headline', hidden: true });
  const totalLine = h('p', { class: 'holds__total' });

  // Checkout: one passenger row per held seat (name, age, gender), the booking's contact
  // phone and the fare. What is typed into a row is kept per seat, so a hold that lapses and is
  // taken again gets its passenger back.
  const phone = h('input', { id: 'booking-phone', type: 'tel', name: 'phone', autocomplete: 'tel', required: true, maxlength: '20', placeholder: '+91 98765 43210' });
  const phoneError = fieldError(phone);
  const formError = errorBox();
  const passengerList = h('div', { class: 'passenger__rows', 'data-testid': 'passenger-rows' });
  const passengerHint = h('p', { class: 'field__hint passenger__hint' }, 'Choose seats on the map: each seat gets a row for the person travelling on it.');
  const fare = h('p', { class: 'fare', 'data-testid': 'fare-summary', 'aria-live': 'polite' });
  const bookButton = h('button', { type: 'submit', class: 'button button--block', disabled: true }, 'Book seats');
  const loginPrompt = h('div', { class: 'login-prompt', hidden: true },
    h('p', {}, 'Log in to choose seats and book. A seat you choose is held for you for a few minutes while you book.'),
    h('p', { class: 'login-prompt__actions' },
      h('a', { class: 'button', href: loginHref(`#/trip/${tripId}`) }, 'Log in'),
      h('a', { class: 'button button--secondary', href: `#/signup?next=${encodeURIComponent(`#/trip/${tripId}`)}` }, 'Sign up')));

  const form = h('form', { class: 'passenger', novalidate: true, 'aria-labelledby': 'passenger-title' },
    h('h2', { id: 'passenger-title', class: 'panel__title' }, 'Passenger details'),
    formError,
    passengerHint,
    passengerList,
    h('div', { class: 'field passenger__phone' },
      h('label', { for: 'booking-phone' }, 'Phone number'),
      phone,
      h('p', { class: 'field__hint', id: 'booking-phone-hint' }, 'For the whole booking: we contact this number about the trip.'),
      phoneError),
    fare,
    bookButton);
  phone.setAttribute('aria-describedby', 'booking-phone-hint');

  const drafts = new Map(); // seat -> {name, age, gender}, typed values kept across re-renders
  const rows = new Map(); // seat -> {el, name, age, gender, errors}
  let profileSeat = null; // the seat whose row was prefilled from the profile

  function passengerRow(n) {
    const d = drafts.get(n) || {};
    const id = `p${tripId}-${n}`;
    const name = h('input', { id: `${id}-name`, type: 'text', name: 'name', maxlength: '80', autocomplete: 'off', required: true, value: d.name || '' });
    const age = h('input', { id: `${id}-age`, type: 'number', name: 'age', min: '0', max: '120', step: '1', inputmode: 'numeric', required: true, value: d.age ?? '' });
    const gender = h('select', { id: `${id}-gender`, name: 'gender', required: true },
      h('option', { value: '' }, 'Choose…'), GENDERS.map((g) => h('option', { value: g, selected: d.gender === g }, g)));
    const errors = { name: fieldError(name), age: fieldError(age), gender: fieldError(gender) };
    const keep = () => drafts.set(n, { name: name.value, age: age.value, gender: gender.value });
    for (const el of [name, age, gender]) {
      el.addEventListener('input', () => { keep(); setFieldError(el, errors[el.name], null); });
      el.addEventListener('change', keep);
    }
    const el = h('fieldset', { class: 'passenger-row', 'data-seat': n },
      h('legend', { class: 'passenger-row__legend' }, `Seat ${n}`),
      h('div', { class: 'passenger-row__grid' },
        h('div', { class: 'field passenger-row__name' }, h('label', { for: name.id }, 'Name'), name, errors.name),
        h('div', { class: 'field' }, h('label', { for: age.id }, 'Age'), age, errors.age),
        h('div', { class: 'field' }, h('label', { for: gender.id }, 'Gender'), gender, errors.gender)));
    return { el, name, age, gender, errors };
  }

  /** The first row, new and empty, gets the traveller's own profile. */
  function prefill(n, row) {
    const u = session.user;
    if (!u || drafts.has(n) || (profileSeat !== null && rows.has(profileSeat))) return;
    if (u.username) row.name.value = u.username.slice(0, 80);
    if (u.age != null && u.age >= 0 && u.age <= 120) row.age.value = u.age;
    if (u.gender) row.gender.value = GENDERS.find((g) => g.toLowerCase() === String(u.gender).toLowerCase()) || 'Other';
    drafts.set(n, { name: row.name.value, age: row.age.value, gender: row.gender.value });
    profileSeat = n;
  }

  function renderPassengers(seatNumbers) {
    const wanted = new Set(seatNumbers);
    for (const [n, row] of rows) {
      if (!wanted.has(n)) { row.el.remove(); rows.delete(n); }
    }
    for (const n of seatNumbers) {
      if (rows.has(n)) continue;
      const row = passengerRow(n);
      rows.set(n, row);
      if (n === seatNumbers[0]) prefill(n, row);
    }
    for (const n of seatNumbers) passengerList.append(rows.get(n).el); // seat order
    passengerHint.hidden = seatNumbers.length > 0;
    const count = seatNumbers.length;
    fare.replaceChildren(count
      ? h('span', {}, `${fmt.plural(count, 'seat')} × ${fmt.money(trip.price)} = `, h('strong', {}, fmt.money(count * trip.price)))
      : '');
  }

  const fillProfile = () => {
    const u = session.user;
    if (!u) return;
    if (u.phone_number && !phone.value) phone.value = u.phone_number;
  };
  fillProfile();

  const formPanel = h('section', { class: 'panel', 'data-testid': 'booking-form' }, form);

  const header = h('div', { class: 'trip-head' },
    h('p', { class: 'breadcrumbs' }, h('a', { href: lastSearch() }, lastSearch() === '#/' ? 'Search' : 'Search results'), ' / ', busName || `Trip ${tripId}`),
    pageTitle(`${trip.source} → ${trip.destination}`),
    h('p', { class: 'trip-head__meta' },
      h('span', {}, fmt.date(trip.departure_time)),
      h('span', {}, `${fmt.time(trip.departure_time)} → ${fmt.time(trip.arrival_time)}`,
        fmt.shortDate(trip.arrival_time) !== fmt.shortDate(trip.departure_time) ? ' (next day)' : ''),
      busName ? h('span', {}, `${busName}${busType ? ` · ${busType}` : ''}`) : null,
      h('span', { class: 'trip-head__price' }, `${fmt.money(trip.price)} per seat`)),
    departed ? h('p', { class: 'notice notice--warn' }, icon('alert'), 'This bus has already departed.') : null);

  const mapPanel = h('section', { class: 'panel map-panel', 'aria-labelledby': 'map-title' },
    h('div', { class: 'panel__head' },
      h('h2', { id: 'map-title', class: 'panel__title' }, 'Choose your seats'),
      liveStatus),
    legend(),
    coach.element,
    seatMessage);

  const side = h('aside', { class: 'side', 'aria-label': 'Your booking' },
    h('section', { class: 'panel', 'aria-labelledby': 'holds-title', 'data-testid': 'holds-panel' },
      h('h2', { id: 'holds-title', class: 'panel__title' }, 'Your seats'),
      loginPrompt, holdsHeadline, holdsEmpty, holdsList, totalLine,
      h('p', { class: 'field__hint' }, 'Select a seat again to release it. You can hold up to 6 seats.')),
    formPanel);

  const mobileSeats = h('span', { class: 'mobile-bar__seats' });
  const mobileTime = h('span', { class: 'mobile-bar__time' });
  const mobileBar = h('div', { class: 'mobile-bar', hidden: true },
    h('span', { class: 'mobile-bar__text' }, mobileSeats, mobileTime),
    h('button', {
      type: 'button', class: 'button button--small',
      onclick: () => {
        form.scrollIntoView({ behavior: 'smooth', block: 'start' });
        const empty = [...rows.values()].flatMap((r) => [r.name, r.age, r.gender]).find((el) => !el.value);
        (empty || (phone.value ? bookButton : phone)).focus({ preventScroll: true });
      },
    }, 'Passenger details'));

  main.append(header, h('div', { class: 'trip-layout' }, mapPanel, side), mobileBar);

  // ---- rendering ---------------------------------------------------------------------
  function viewOf(n) {
    const st = seats.get(n);
    if (!st || st.state === 'free') return 'free';
    if (st.state === 'sold') return 'sold';
    return isMine(st) ? 'mine' : 'taken';
  }

  function renderSeat(n) { coach.update(n, viewOf(n), pending.has(n)); }
  function renderAll() {
    for (const n of seats.keys()) renderSeat(n);
    renderHolds();
  }

  let holdItems = new Map(); // seat -> {li, time}
  function renderHolds() {
    const holds = myHolds();
    loginPrompt.hidden = Boolean(session.user);
    formPanel.hidden = !session.user;
    holdsEmpty.hidden = holds.length > 0;
    const wanted = new Set(holds.map((x) => x.n));
    for (const [n, item] of holdItems) {
      if (!wanted.has(n)) { item.li.remove(); holdItems.delete(n); }
    }
    for (const { n } of holds) {
      if (holdItems.has(n)) continue;
      const time = h('span', { class: 'hold__time' });
      const li = h('li', { class: 'hold', 'data-seat': n },
        h('span', { class: 'hold__seat' }, `Seat ${n}`),
        h('span', { class: 'hold__timer' }, icon('clock'), time),
        h('button', { type: 'button', class: 'button button--ghost button--small', 'aria-label': `Release seat ${n}`, onclick: () => onSeat(n) }, 'Release'));
      holdItems.set(n, { li, time });
    }
    // Keep the list in seat order.
    for (const { n } of holds) holdsList.append(holdItems.get(n).li);
    renderPassengers(holds.map((x) => x.n));
    const count = holds.length;
    totalLine.replaceChildren(count
      ? h('span', {}, `${fmt.plural(count, 'seat')} × ${fmt.money(trip.price)} = `, h('strong', {}, fmt.money(count * trip.price)))
      : '');
    mobileBar.hidden = count === 0;
    mobileSeats.textContent = count ? `${count > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(holds.map((x) => x.n))} · ${fmt.money(count * trip.price)}` : '';
    bookButton.disabled = count === 0 || !session.user || booking;
    bookButton.textContent = count ? `Book ${fmt.plural(count, 'seat')} · ${fmt.money(count * trip.price)}` : 'Book seats';
    tick();
  }

  function tick() {
    const holds = myHolds();
    let earliest = Infinity;
    for (const { n, expiresAt } of holds) {
      const item = holdItems.get(n);
      if (!item) continue;
      let text;
      if (typeof expiresAt !== 'number') text = 'held';
      else {
        const left = expiresAt - feed.serverNow();
        earliest = Math.min(earliest, left);
        text = left > 0 ? `${fmt.countdown(left)} left` : 'ending…';
      }
      if (item.time.textContent !== text) item.time.textContent = text;
      item.li.classList.toggle('hold--ending', typeof expiresAt === 'number' && expiresAt - feed.serverNow() < 30000);
    }
    if (holds.length && earliest !== Infinity) {
      const text = earliest > 0
        ? `Book within ${fmt.countdown(earliest)} — after that your ${holds.length > 1 ? 'seats are' : 'seat is'} released.`
        : 'Your hold is ending…';
      if (holdsHeadline.textContent !== text) holdsHeadline.textContent = text;
      holdsHeadline.hidden = false;
      const short = earliest > 0 ? `held for ${fmt.countdown(earliest)}` : 'hold ending…';
      if (mobileTime.textContent !== short) mobileTime.textContent = short;
    } else {
      holdsHeadline.hidden = true;
    }
  }

  let sayTimer = null;
  function say(message, kind = 'info') {
    clearTimeout(sayTimer);
    seatMessage.className = `seat-message seat-message--${kind}`;
    seatMessage.replaceChildren(message ? h('span', {}, kind === 'error' ? icon('alert') : null, message) : '');
    // Messages are about the moment: they go after a while (errors stay longer).
    if (message) sayTimer = setTimeout(() => say(null), kind === 'error' || kind === 'warn' ? 15000 : 8000);
  }

  // ---- live feed ---------------------------------------------------------------------
  const feed = new SeatFeed(tripId, {
    onSnapshot({ locked, booked }) {
      const before = new Set(myHolds().map((x) => x.n));
      for (const [n, st] of seats) {
        if (booked) seats.set(n, { state: 'free' });
        else if (st.state !== 'sold') seats.set(n, { state: 'free' });
      }
      for (const n of booked || []) if (seats.has(n)) seats.set(n, { state: 'sold' });
      for (const l of locked) {
        if (seats.has(l.seat_no) && seats.get(l.seat_no).state !== 'sold') {
          seats.set(l.seat_no, { state: 'held', userId: l.user_id ?? null, expiresAt: l.expires_at });
        }
      }
      const lost = [...before].filter((n) => !isMine(seats.get(n)));
      if (lost.length) say(`Your hold on ${lost.length > 1 ? 'seats' : 'seat'} ${fmt.seatList(lost)} ended.`, 'warn');
      renderAll();
    },
    onEvent(msg) {
      switch (msg.type) {
        case 'SEAT_LOCKED':
          if (seats.has(msg.seat_no)) {
            seats.set(msg.seat_no, { state: 'held', userId: msg.user_id ?? null, expiresAt: msg.expires_at });
            renderSeat(msg.seat_no);
          }
          break;
        case 'SEAT_UNLOCKED': {
          const st = seats.get(msg.seat_no);
          if (!st || st.state === 'sold') break;
          const wasMine = isMine(st);
          seats.set(msg.seat_no, { state: 'free' });
          renderSeat(msg.seat_no);
          if (wasMine && msg.user_id == null) {
            say(`Your hold on seat ${msg.seat_no} ran out. Select it again if it is still free.`, 'warn');
          }
          break;
        }
        case 'SEAT_BOOKED':
          for (const n of msg.seat_numbers || []) if (seats.has(n)) { seats.set(n, { state: 'sold' }); renderSeat(n); }
          break;
        case 'SEAT_RELEASED':
          for (const n of msg.seat_numbers || []) if (seats.has(n)) { seats.set(n, { state: 'free' }); renderSeat(n); }
          break;
        default:
          return;
      }
      renderHolds();
    },
    onStatus(status, info) {
      mapPanel.classList.toggle('is-stale', status === 'reconnecting');
      liveStatus.className = `live-status live-status--${status}`;
      if (status === 'live') {
        liveStatus.textContent = 'Live';
        banner(null);
      } else if (status === 'reconnecting') {
        liveStatus.textContent = 'Reconnecting…';
        banner('Reconnecting to the live seat map… Seat changes will appear again in a moment.');
      } else if (status === 'connecting') {
        liveStatus.textContent = 'Connecting…';
      } else if (status === 'closed') {
        liveStatus.textContent = 'Offline';
        banner(null);
        say(info || 'The live seat map is not available.', 'error');
      }
    },
  });
  feed.start();

  const ticker = setInterval(tick, 250);
  const unsubscribe = session.subscribe(() => { fillProfile(); renderAll(); });
  renderAll();

  // ---- actions -----------------------------------------------------------------------
  async function onSeat(n) {
    if (pending.has(n)) return;
    const view = viewOf(n);
    if (view === 'sold') { say(`Seat ${n} is sold. Please choose another seat.`); return; }
    if (view === 'taken') { say(`Seat ${n} is held by someone else. It becomes free if they do not book in time.`); return; }
    if (!session.user) {
      renderHolds();
      say('Log in to choose seats.', 'warn');
      loginPrompt.querySelector('a').focus();
      return;
    }
    pending.add(n);
    renderSeat(n);
    try {
      if (view === 'mine') {
        const res = await api(`/bookings/unlock-seat/${tripId}/${n}`, { method: 'POST' });
        if (isMine(seats.get(n))) seats.set(n, { state: 'free' });
        say(res && res.message === 'Seat released' ? `Seat ${n} released.` : `Seat ${n} was no longer held by you.`);
      } else {
        const res = await api(`/bookings/lock-seat/${tripId}/${n}`, { method: 'POST' });
        const st = seats.get(n);
        if (!isMine(st) && st.state !== 'sold') seats.set(n, { state: 'held', userId: me(), expiresAt: res && res.expires_at });
        else if (res && typeof res.expires_at === 'number') st.expiresAt = Math.max(st.expiresAt || 0, res.expires_at);
        say(`Seat ${n} is yours for now. Book to keep it.`, 'success');
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        say('Your session ended. Please log in again to choose seats.', 'error');
      } else if (err instanceof ApiError && /occupied/i.test(err.message)) {
        say(`Seat ${n} was just taken by someone else. Please choose another seat.`, 'error');
      } else {
        say(err.message, 'error');
      }
    } finally {
      pending.delete(n);
      renderSeat(n);
      renderHolds();
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.show(null);
    const holds = myHolds();
    if (!session.user) { formError.show('Log in to book.'); return; }
    if (!holds.length) { formError.show('Choose at least one seat on the map first.'); return; }

    // The same rules as the server's (names 1-80 printable characters, ages 0-120, the
    // original's gender values), so most mistakes are shown before a round trip.
    const order = holds.map((x) => x.n);
    const problems = [];
    const passengers = order.map((n) => {
      const row = rows.get(n);
      const name = row.name.value.trim();
      const ageText = row.age.value.trim();
      const ageValue = Number(ageText);
      const nameProblem = nameError(name);
      const check = (el, message) => { setFieldError(el, row.errors[el.name], message); if (message) problems.push([el, `Seat ${n}: ${message}`]); };
      check(row.name, nameProblem);
      check(row.age, !ageText || !Number.isInteger(ageValue) || ageValue < 0 || ageValue > 120 ? 'Enter an age from 0 to 120.' : null);
      check(row.gender, GENDERS.includes(row.gender.value) ? null : 'Choose Female, Male or Other.');
      return { seat_no: n, name, age: ageValue, gender: row.gender.value };
    });
    const phoneText = phone.value.trim();
    const phoneProblem = /^\+?[0-9][0-9 ()-]{6,18}$/.test(phoneText) ? null : 'Enter a phone number of at least 7 digits.';
    setFieldError(phone, phoneError, phoneProblem);
    if (phoneProblem) problems.push([phone, phoneProblem]);
    if (problems.length) {
      formError.show(problems.length === 1 ? problems[0][1] : `Please check ${problems.length} details: ${problems.map((p) => p[1]).join(' ')}`);
      problems[0][0].focus();
      return;
    }

    // The profile keeps the traveller's own age and gender: only when they are passenger one.
    const user = session.user;
    const self = passengers.find((p) => user.username && p.name.toLowerCase() === user.username.trim().toLowerCase());
    const body = { trip_id: tripId, seat_numbers: order, phone_number: phoneText, passengers };
    if (self) Object.assign(body, { age: self.age, gender: self.gender });

    booking = true;
    bookButton.disabled = true;
    bookButton.textContent = 'Booking…';
    try {
      const res = await api('/bookings/', { method: 'POST', json: body });
      session.update(self ? { gender: self.gender, age: self.age, phone_number: phoneText } : { phone_number: phoneText });
      toast(`Booked! Your booking number is ${res.booking_number}.`, 'success');
      navigate(`#/ticket/${encodeURIComponent(res.booking_number)}`);
    } catch (err) {
      const shown = err instanceof ApiError && err.status === 422 ? showServerErrors(err.body, order) : false;
      formError.show(shown ? 'Please correct the details marked below.' : err.message);
    } finally {
      booking = false;
      renderHolds();
    }
  });

  /** Puts each of a 422's messages next to its field; true when every one found a field. */
  function showServerErrors(body, order) {
    const detail = body && Array.isArray(body.detail) ? body.detail : [];
    if (!detail.length) return false;
    let all = true;
    let first = null;
    for (const item of detail) {
      const loc = Array.isArray(item.loc) ? item.loc : [];
      const at = loc.indexOf('passengers');
      let el = null;
      let box = null;
      if (at >= 0 && Number.isInteger(loc[at + 1]) && ['name', 'age', 'gender'].includes(loc[at + 2])) {
        const row = rows.get(order[loc[at + 1]]);
        if (row) { el = row[loc[at + 2]]; box = row.errors[loc[at + 2]]; }
      } else if (loc[loc.length - 1] === 'phone_number') {
        el = phone;
        box = phoneError;
      }
      if (!el) { all = false; continue; }
      const msg = String(item.msg || 'invalid value');
      setFieldError(el, box, `${msg[0].toUpperCase()}${msg.slice(1)}.`);
      first = first || el;
    }
    if (first) first.focus();
    return all;
  }

  return () => {
    feed.stop();
    clearInterval(ticker);
    unsubscribe();
    banner(null);
  };
}
