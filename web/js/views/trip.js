// A trip's live seat map, my holds with their countdown, passenger details and booking.

import { h, icon, clear } from '../dom.js';
import { api, ApiError } from '../api.js';
import { session } from '../session.js';
import { SeatFeed } from '../live.js';
import { buildCoach, legend } from '../seatmap.js';
import { pageTitle, errorBox, field, banner, toast, emptyState } from '../ui.js';
import { navigate, loginHref } from '../nav.js';
import * as fmt from '../format.js';

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

  const gender = h('select', { name: 'gender', required: true },
    h('option', { value: '' }, 'Choose…'), h('option', { value: 'Female' }, 'Female'),
    h('option', { value: 'Male' }, 'Male'), h('option', { value: 'Other' }, 'Other'));
  const age = h('input', { type: 'number', name: 'age', min: '1', max: '120', inputmode: 'numeric', required: true });
  const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', required: true, maxlength: '20', placeholder: '+91 98765 43210' });
  const formError = errorBox();
  const bookButton = h('button', { type: 'submit', class: 'button button--block', disabled: true }, 'Book seats');
  const loginPrompt = h('div', { class: 'login-prompt', hidden: true },
    h('p', {}, 'Log in to choose seats and book. A seat you choose is held for you for a few minutes while you book.'),
    h('p', { class: 'login-prompt__actions' },
      h('a', { class: 'button', href: loginHref(`#/trip/${tripId}`) }, 'Log in'),
      h('a', { class: 'button button--secondary', href: `#/signup?next=${encodeURIComponent(`#/trip/${tripId}`)}` }, 'Sign up')));

  const form = h('form', { class: 'passenger', novalidate: true, 'aria-labelledby': 'passenger-title' },
    h('h2', { id: 'passenger-title', class: 'panel__title' }, 'Passenger details'),
    formError,
    h('div', { class: 'passenger__grid' },
      field('Gender', gender), field('Age', age), field('Phone number', phone)),
    bookButton);

  const fillProfile = () => {
    const u = session.user;
    if (!u) return;
    if (u.gender && !gender.value) gender.value = [...gender.options].some((o) => o.value === u.gender) ? u.gender : 'Other';
    if (u.age && !age.value) age.value = u.age;
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
        (gender.value ? (age.value ? (phone.value ? bookButton : phone) : age) : gender).focus({ preventScroll: true });
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
    const ageValue = Number(age.value);
    const problems = [];
    if (!gender.value) problems.push([gender, 'Choose a gender.']);
    if (!age.value || !Number.isInteger(ageValue) || ageValue < 1 || ageValue > 120) problems.push([age, 'Enter an age between 1 and 120.']);
    if (!/^\+?[0-9][0-9 ()-]{6,18}$/.test(phone.value.trim())) problems.push([phone, 'Enter a phone number of at least 7 digits.']);
    if (problems.length) {
      formError.show(problems.map((p) => p[1]).join(' '));
      problems[0][0].focus();
      return;
    }
    booking = true;
    bookButton.disabled = true;
    bookButton.textContent = 'Booking…';
    try {
      const res = await api('/bookings/', {
        method: 'POST',
        json: { trip_id: tripId, seat_numbers: holds.map((x) => x.n), gender: gender.value, age: ageValue, phone_number: phone.value.trim() },
      });
      session.update({ gender: gender.value, age: ageValue, phone_number: phone.value.trim() });
      toast(`Booked! Your booking number is ${res.booking_number}.`, 'success');
      navigate(`#/ticket/${encodeURIComponent(res.booking_number)}`);
    } catch (err) {
      formError.show(err.message);
    } finally {
      booking = false;
      renderHolds();
    }
  });

  return () => {
    feed.stop();
    clearInterval(ticker);
    unsubscribe();
    banner(null);
  };
}
