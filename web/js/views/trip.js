// A trip's live seat map, my holds with their countdown, passenger details and booking.
//
// Feedback goes where the eye is: a bubble beside the seat just tapped, and a status line in
// the booking bar (fixed at the bottom of a phone's screen, at the top of the desktop's side
// panel). Screen readers hear the same words from one polite live region.
//
// A sold-out trip offers its waiting list (js/waitlist.js): at the top of the side panel, and
// on a phone above the map while it is the page's main business (sold out, or on the list).

import { h, icon, clear } from '../dom.js';
import { api, ApiError, tokenStore } from '../api.js';
import { session } from '../session.js';
import { SeatFeed } from '../live.js';
import { buildCoach, legend } from '../seatmap.js';
import { guardLeaving } from '../leave_guard.js';
import { groupPicker, releaseAllButton } from '../group_pick.js';
import { extendButton } from '../hold_extend.js';
import { waitlistPanel } from '../waitlist.js';
import { pageTitle, errorBox, banner, toast, emptyState } from '../ui.js';
import { navigate, loginHref } from '../nav.js';
import * as fmt from '../format.js';

const MAX_HOLDS = 6; // the server's limit per traveller and trip (the hint says so too)
const WARN_MS = 60000; // the countdown turns to a warning in the last minute
const PHONE = '(max-width: 960px)'; // where the booking bar is fixed to the screen's bottom
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
  // Departed: the server's word, or the page's own clock (a server without the field, or a
  // bus that leaves while the page is open). Seats of a departed bus cannot be chosen.
  const departure = fmt.parseLocal(trip.departure_time);
  let departed = trip.departed === true || (departure && departure <= new Date());

  // ---- state ------------------------------------------------------------------------
  // seat number -> {state: 'free'|'held'|'sold', userId, expiresAt}
  const seats = new Map();
  for (const s of seatRows) {
    seats.set(s.seat_number, s.is_booked ? { state: 'sold' } : s.is_locked ? { state: 'held', userId: null } : { state: 'free' });
  }
  // The ladies' seat rule: free seats beside a seat sold to a woman, as the page was loaded
  // (the live messages do not say who travels on a seat; the server enforces it at booking).
  const forWomen = new Set(seatRows.filter((s) => s.for_women === true).map((s) => s.seat_number));
  const pending = new Set();
  const yours = new Set(); // seats of my confirmed bookings on this trip (GET /bookings/my-tickets)
  const lapsed = new Set(); // seats whose hold ran out, offered back with "Hold again"
  let booking = false;
  let booked = false;
  const me = () => (session.user ? session.user.id : null);
  const isMine = (st) => st && st.state === 'held' && st.userId != null && st.userId === me();
  const myHolds = () => [...seats.entries()].filter(([, st]) => isMine(st)).map(([n, st]) => ({ n, expiresAt: st.expiresAt }))
    .sort((a, b) => a.n - b.n);

  // ---- page structure ----------------------------------------------------------------
  const coach = buildCoach(total, onSeat);
  const announcer = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'seat-announcer' });
  const seatMessage = h('p', { class: 'seat-message', 'data-testid': 'seat-message' });
  const liveStatus = h('p', { class: 'live-status live-status--connecting', 'data-testid': 'live-status' }, 'Connecting…');
  const holdsList = h('ul', { class: 'holds', 'aria-label': 'Seats you hold' });
  const holdsEmpty = h('p', { class: 'holds__empty' }, 'No seats selected yet. Choose free seats on the map.');
  const holdsHeadline = h('p', { class: 'holds__headline', 'data-testid': 'holds-headline', hidden: true });
  const totalLine = h('p', { class: 'holds__total' });

  // Checkout: one passenger row per held seat (name, age, gender), the booking's contact
  // phone, and beside the Book button the fare: seats × fare and the total. What is typed
  // into a row is kept per seat, so a hold that lapses and is taken again gets its passenger
  // back.
  const phone = h('input', { id: 'booking-phone', type: 'tel', name: 'phone', autocomplete: 'tel', required: true, maxlength: '20', placeholder: '+91 98765 43210' });
  const phoneError = fieldError(phone);
  const formError = errorBox();
  const passengerList = h('div', { class: 'passenger__rows', 'data-testid': 'passenger-rows' });
  const passengerHint = h('p', { class: 'field__hint passenger__hint' }, 'Choose seats on the map: each seat gets a row for the person travelling on it.');
  const fare = h('div', { class: 'fare', 'data-testid': 'fare-summary', 'aria-live': 'polite' });
  const bookButton = h('button', { type: 'submit', class: 'button button--block checkout__book', disabled: true }, 'Book seats');
  const lapsedText = h('span', { class: 'lapsed__text' });
  const holdAgainButton = () => h('button', { type: 'button', class: 'button button--small lapsed__again', onclick: () => holdAgain() }, icon('refresh'), 'Hold again');
  const lapsedNotice = h('div', { class: 'lapsed', 'data-testid': 'lapsed', hidden: true }, icon('alert'), lapsedText, holdAgainButton());
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
    lapsedNotice,
    h('div', { class: 'checkout', 'data-testid': 'checkout' }, fare, bookButton));
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
    fare.replaceChildren(...(count
      ? [h('p', { class: 'fare__line' }, `${fmt.plural(count, 'seat')} × ${fmt.money(trip.price)}`),
        h('p', { class: 'fare__total' }, 'Total ', h('strong', {}, fmt.money(count * trip.price)))]
      : []));
  }

  const fillProfile = () => {
    const u = session.user;
    if (!u) return;
    if (u.phone_number && !phone.value) phone.value = u.phone_number;
  };
  fillProfile();

  const formPanel = h('section', { class: 'panel', 'data-testid': 'booking-form' }, form);

  const departedBadge = h('span', { class: 'badge badge--departed', 'data-testid': 'departed-badge', hidden: true }, icon('clock'), 'Departed');
  const departedNotice = h('p', { class: 'notice notice--warn', 'data-testid': 'departed-notice', hidden: true }, icon('alert'),
    `This bus departed at ${fmt.time(trip.departure_time)} on ${fmt.shortDate(trip.departure_time)}: its seats can no longer be chosen or booked.`);
  const header = h('div', { class: 'trip-head' },
    h('p', { class: 'breadcrumbs' }, h('a', { href: lastSearch() }, lastSearch() === '#/' ? 'Search' : 'Search results'), ' / ', busName || `Trip ${tripId}`),
    h('div', { class: 'trip-head__title' }, pageTitle(`${trip.source} → ${trip.destination}`), departedBadge),
    h('p', { class: 'trip-head__meta' },
      h('span', {}, fmt.date(trip.departure_time)),
      h('span', {}, `${fmt.time(trip.departure_time)} → ${fmt.time(trip.arrival_time)}`,
        fmt.shortDate(trip.arrival_time) !== fmt.shortDate(trip.departure_time) ? ' (next day)' : ''),
      busName ? h('span', {}, `${busName}${busType ? ` · ${busType}` : ''}`) : null,
      h('span', { class: 'trip-head__price' }, `${fmt.money(trip.price)} per seat`)),
    departedNotice);

  const mapTitle = h('h2', { id: 'map-title', class: 'panel__title' }, 'Choose your seats');
  // Several seats side by side in one step, chosen by the server (issue 16).
  const picker = groupPicker({
    tripId,
    room: () => MAX_HOLDS - myHolds().length,
    onHeld: (res) => applyHolds(res, true),
    say: (...args) => say(...args),
  });
  const mapPanel = h('section', { class: 'panel map-panel', 'aria-labelledby': 'map-title' },
    h('div', { class: 'panel__head' }, mapTitle, liveStatus),
    picker.element,
    h('div', { class: 'map-panel__body' }, coach.element, h('div', { class: 'map-panel__key' }, legend({ withYours: true }))),
    announcer);

  // The booking bar: the status line, and on a phone my seats, their countdown and the way
  // to the passenger rows (or, after a hold ran out, the seats released and "Hold again").
  const mobileSeats = h('span', { class: 'mobile-bar__seats' });
  const mobileTime = h('span', { class: 'mobile-bar__time' });
  /** To the passenger rows: the first empty field, or Book when all are filled. */
  function toPassengers() {
    form.scrollIntoView({ behavior: 'smooth', block: 'start' });
    const empty = [...rows.values()].flatMap((r) => [r.name, r.age, r.gender]).find((el) => !el.value);
    (empty || (phone.value ? bookButton : phone)).focus({ preventScroll: true });
  }
  const detailsButton = h('button', { type: 'button', class: 'button button--small mobile-bar__details', onclick: toPassengers }, 'Passenger details');
  const barAgain = holdAgainButton();
  const mobileMain = h('div', { class: 'mobile-bar__main' },
    h('span', { class: 'mobile-bar__text' }, mobileSeats, mobileTime), detailsButton, barAgain);
  const mobileBar = h('div', { class: 'mobile-bar', 'data-testid': 'booking-bar', hidden: true }, seatMessage, mobileMain);

  // At checkout: more time for the seats held (up to the server's cap), or all of them let go.
  let holdSpan = 0; // how long a fresh hold lasts, learned from the takes' answers
  const extender = extendButton({
    tripId,
    earliest: () => Math.min(Infinity, ...myHolds().map((x) => (typeof x.expiresAt === 'number' ? x.expiresAt : Infinity))),
    holdSpan: () => holdSpan,
    serverNow: () => feed.serverNow(),
    onExtended: (res) => applyHolds(res, false),
    say: (...args) => say(...args),
  });
  const releaseAll = releaseAllButton({
    tripId,
    onReleased: (freed) => {
      for (const n of freed) if (isMine(seats.get(n))) { seats.set(n, { state: 'free' }); renderSeat(n); }
      renderHolds();
    },
    say: (...args) => say(...args),
  });
  const holdActions = h('div', { class: 'holds__actions', hidden: true }, extender.element, releaseAll);
  const holdsPanel = h('section', { class: 'panel', 'aria-labelledby': 'holds-title', 'data-testid': 'holds-panel' },
    h('h2', { id: 'holds-title', class: 'panel__title' }, 'Your seats'),
    loginPrompt, holdsHeadline, holdActions, holdsEmpty, holdsList, totalLine,
    h('p', { class: 'field__hint' }, `Select a seat again to release it. You can hold up to ${MAX_HOLDS} seats.`));
  const departedPanel = h('section', { class: 'panel', hidden: true, 'data-testid': 'departed-panel' },
    h('h2', { class: 'panel__title' }, 'This bus has departed'),
    h('p', {}, 'Look for a later bus on the same route.'),
    h('p', {}, h('a', { class: 'button', href: `#/search?${new URLSearchParams({ from: trip.source, to: trip.destination, date: fmt.isoDay() })}` }, 'Find a later bus')));
  // The waiting list: its offer is seats held for the traveller, shown and booked as any hold.
  const waitlist = waitlistPanel({
    tripId,
    freeSeats: () => { let free = 0; for (const n of seats.keys()) if (viewOf(n) === 'free') free += 1; return free; },
    wanted: () => picker.wanted(),
    clockOffset: () => feed.clockOffset,
    closed: () => departed,
    onOffer: (offer) => applyOffer(offer),
    onLeft: (was) => {
      // The server released the offer's seats; the live feed says so too.
      for (const n of (was.offer && was.offer.seat_nos) || []) if (isMine(seats.get(n))) { seats.set(n, { state: 'free' }); renderSeat(n); }
      renderHolds();
    },
    goBook: () => toPassengers(),
    say: (...args) => say(...args),
    changed: () => placeWaitlist(),
  });
  const side = h('aside', { class: 'side', 'aria-label': 'Your booking' }, mobileBar, departedPanel, waitlist.element, holdsPanel, formPanel);
  const layout = h('div', { class: 'trip-layout' }, mapPanel, side);

  main.append(header, layout);

  // ---- the bar's space on a phone ------------------------------------------------------
  // While the bar covers the bottom of the screen, <body> carries its height in
  // --bottom-bar-height: the page keeps that much room below its content, and the toasts
  // rise above the bar instead of covering it.
  const phoneQuery = window.matchMedia(PHONE);
  const reserve = () => {
    const shown = !mobileBar.hidden && phoneQuery.matches && mobileBar.isConnected;
    const height = shown ? `${Math.ceil(mobileBar.getBoundingClientRect().height)}px` : '';
    if (shown) document.body.style.setProperty('--bottom-bar-height', height);
    else document.body.style.removeProperty('--bottom-bar-height');
    // A field focused or scrolled to is never left under the bar.
    document.documentElement.style.scrollPaddingBottom = height;
    document.body.classList.toggle('has-bottom-bar', shown);
  };
  const barSize = new ResizeObserver(reserve);
  barSize.observe(mobileBar);
  phoneQuery.addEventListener('change', reserve);

  // On a phone the side panel comes after the 40 seats: a waiting list that is the page's main
  // business stands above the map instead (on the desktop, the side panel is beside it).
  function placeWaitlist() {
    const top = phoneQuery.matches && waitlist.primary;
    const el = waitlist.element;
    if (top && el.parentNode !== main) layout.before(el);
    else if (!top && el.parentNode !== side) holdsPanel.before(el);
    el.classList.toggle('waitlist--top', top);
  }
  phoneQuery.addEventListener('change', placeWaitlist);

  // ---- rendering ---------------------------------------------------------------------
  function viewOf(n) {
    const st = seats.get(n);
    if (!st || st.state === 'free') return 'free';
    if (st.state === 'sold') return yours.has(n) ? 'yours' : 'sold';
    return isMine(st) ? 'mine' : 'taken';
  }

  function renderSeat(n) { coach.update(n, viewOf(n), pending.has(n), forWomen.has(n)); }
  function renderAll() {
    for (const n of seats.keys()) renderSeat(n);
    renderHolds();
  }

  let holdItems = new Map(); // seat -> {li, time}
  let shownHolds = new Set(); // the seats of the last render: a new one brings a new lifetime
  function renderHolds() {
    const holds = myHolds();
    for (const { n } of holds) lapsed.delete(n);
    if (!holds.length || holds.some(({ n }) => !shownHolds.has(n))) extender.reset();
    shownHolds = new Set(holds.map((x) => x.n));
    holdActions.hidden = !holds.length || departed || !session.user;
    picker.show(Boolean(session.user) && !departed);
    loginPrompt.hidden = Boolean(session.user) || departed;
    formPanel.hidden = !session.user || departed;
    holdsPanel.hidden = departed;
    departedPanel.hidden = !departed;
    holdsEmpty.hidden = holds.length > 0;
    const wanted = new Set(holds.map((x) => x.n));
    for (const [n, item] of holdItems) {
      if (!wanted.has(n)) { item.li.remove(); holdItems.delete(n); }
    }
    for (const { n } of holds) {
      if (holdItems.has(n)) continue;
      const time = h('span', { class: 'hold__time' });
      const place = coach.grid.where.get(n)?.place;
      const li = h('li', { class: 'hold', 'data-seat': n },
        h('span', { class: 'hold__seat' }, `Seat ${n}`, place ? h('span', { class: 'hold__place' }, ` ${place}`) : null),
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
    bookButton.disabled = count === 0 || !session.user || booking || departed;
    bookButton.textContent = count ? `Book ${fmt.plural(count, 'seat')} · ${fmt.money(count * trip.price)}` : 'Book seats';

    // Seats whose hold ran out, beside the Book button and in the phone's bar.
    const gone = [...lapsed].sort((a, b) => a - b);
    const goneText = gone.length
      ? `Your hold ran out: ${gone.length > 1 ? `seats ${fmt.seatList(gone)} were` : `seat ${gone[0]} was`} released.`
      : '';
    lapsedNotice.hidden = !gone.length || departed || !session.user;
    lapsedText.textContent = goneText;

    mobileSeats.textContent = count
      ? `${count > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(holds.map((x) => x.n))} · ${fmt.money(count * trip.price)}`
      : gone.length ? `${gone.length > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(gone)} released` : '';
    if (!count) mobileTime.textContent = gone.length ? `Hold ${gone.length > 1 ? 'them' : 'it'} again before someone else does.` : '';
    detailsButton.hidden = count === 0;
    barAgain.hidden = count > 0 || !gone.length || departed || !session.user;
    mobileMain.hidden = !count && !gone.length;
    mobileBar.hidden = !count && !gone.length && !seatMessage.textContent;
    reserve();
    tick();
    waitlist.render();
  }

  let warned = false; // the one-minute warning was announced for the current holds
  let lastEarliest = Infinity;
  function tick() {
    if (!departed && departure && departure <= new Date()) setDeparted();
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
      // The deadline itself, for tests that compare two countdowns a second apart.
      if (typeof expiresAt === 'number' && item.li.dataset.expiresAt !== String(expiresAt)) item.li.dataset.expiresAt = String(expiresAt);
      item.li.classList.toggle('hold--ending', typeof expiresAt === 'number' && expiresAt - feed.serverNow() < WARN_MS);
    }
    const ending = earliest < WARN_MS;
    if (holds.length && earliest !== Infinity) {
      const them = holds.length > 1 ? `seats ${fmt.seatList(holds.map((x) => x.n))} are` : `seat ${holds[0].n} is`;
      let text;
      if (earliest <= 0) text = 'Your hold is ending…';
      else if (ending) text = `Last minute: book within ${fmt.countdown(earliest)}, or ${them} released.`;
      else text = `Book within ${fmt.countdown(earliest)}: after that ${them} released.`;
      if (holdsHeadline.textContent !== text) holdsHeadline.textContent = text;
      holdsHeadline.hidden = false;
      holdsHeadline.classList.toggle('holds__headline--warn', ending);
      const short = earliest > 0 ? `${ending ? 'Last minute: ' : 'held for '}${fmt.countdown(earliest)}` : 'hold ending…';
      if (mobileTime.textContent !== short) mobileTime.textContent = short;
      mobileTime.classList.toggle('mobile-bar__time--warn', ending);
      // Said once, when the last minute begins (a hold that starts shorter is shown, not said).
      if (ending && !warned && lastEarliest >= WARN_MS && lastEarliest !== Infinity) {
        say(`One minute left to book ${holds.length > 1 ? `seats ${fmt.seatList(holds.map((x) => x.n))}` : `seat ${holds[0].n}`}.`, 'warn');
      }
      warned = ending;
      lastEarliest = earliest;
    } else {
      holdsHeadline.hidden = true;
      mobileTime.classList.remove('mobile-bar__time--warn');
      warned = false;
      lastEarliest = Infinity;
    }
  }

  let sayTimer = null;
  /** Feedback: the status line (bar / side panel), the live region, and with `seat` a bubble
   *  beside that seat. */
  function say(message, kind = 'info', seat = null) {
    clearTimeout(sayTimer);
    seatMessage.className = `seat-message seat-message--${kind}`;
    if (message) seatMessage.replaceChildren(kind === 'error' || kind === 'warn' ? icon('alert') : '', h('span', {}, message));
    else seatMessage.replaceChildren();
    announcer.textContent = message || '';
    if (message && seat != null) coach.tip(seat, message, kind);
    mobileBar.hidden = !message && !myHolds().length && !lapsed.size;
    reserve();
    // Messages are about the moment: they go after a while (errors stay longer).
    if (message) sayTimer = setTimeout(() => say(null), kind === 'error' || kind === 'warn' ? 15000 : 8000);
  }

  function setDeparted() {
    departed = true;
    coach.closed(true);
    departedBadge.hidden = false;
    departedNotice.hidden = false;
    mapTitle.textContent = 'Seat map (departed)';
    renderAll();
  }
  if (departed) setDeparted();

  // My own booked seats on this trip: marked as mine, not as anybody's sold seat.
  let yoursTimer = null;
  async function loadYours() {
    if (!session.user) { if (yours.size) { yours.clear(); renderAll(); } return; }
    try {
      const tickets = await api('/bookings/my-tickets');
      yours.clear();
      for (const t of Array.isArray(tickets) ? tickets : []) {
        if (t && t.trip && t.trip.id === tripId && t.status !== 'cancelled') for (const n of t.seats || []) yours.add(n);
      }
      renderAll();
    } catch {
      // Only a mark: the seats still show as sold.
    }
  }
  const reloadYours = () => { clearTimeout(yoursTimer); yoursTimer = setTimeout(loadYours, 250); };

  // Holds that ran out, gathered for a moment (seats taken together lapse together).
  // A new list starts when the traveller has taken seats since the last ones ran out.
  let lapseTimer = null;
  let lastTakeAt = 0;
  let lastLapseAt = 0;
  function holdRanOut(seatNumbers) {
    if (lastTakeAt > lastLapseAt) lapsed.clear();
    lastLapseAt = Date.now();
    for (const n of seatNumbers) lapsed.add(n);
    clearTimeout(lapseTimer);
    lapseTimer = setTimeout(() => {
      const gone = [...lapsed].sort((a, b) => a - b);
      if (!gone.length) return;
      say(gone.length > 1
        ? `Your holds on seats ${fmt.seatList(gone)} ran out: they were released.`
        : `Your hold on seat ${gone[0]} ran out: it was released.`, 'warn');
      renderHolds();
    }, 150);
    renderHolds();
  }

  // ---- live feed ---------------------------------------------------------------------
  const feed = new SeatFeed(tripId, {
    onSnapshot({ locked, booked: soldSeats }) {
      const before = new Set(myHolds().map((x) => x.n));
      for (const [n, st] of seats) {
        if (soldSeats) seats.set(n, { state: 'free' });
        else if (st.state !== 'sold') seats.set(n, { state: 'free' });
      }
      for (const n of soldSeats || []) if (seats.has(n)) seats.set(n, { state: 'sold' });
      for (const l of locked) {
        if (seats.has(l.seat_no) && seats.get(l.seat_no).state !== 'sold') {
          seats.set(l.seat_no, { state: 'held', userId: l.user_id ?? null, expiresAt: l.expires_at });
        }
      }
      const lost = [...before].filter((n) => !isMine(seats.get(n)) && seats.get(n).state === 'free');
      if (lost.length && !booked) holdRanOut(lost);
      renderAll();
    },
    onEvent(msg) {
      switch (msg.type) {
        case 'SEAT_LOCKED':
          if (seats.has(msg.seat_no)) {
            if (msg.user_id != null && msg.user_id === me() && !isMine(seats.get(msg.seat_no))) lastTakeAt = Date.now();
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
          if (wasMine && msg.user_id == null && !booked) holdRanOut([msg.seat_no]);
          break;
        }
        case 'SEAT_BOOKED':
          for (const n of msg.seat_numbers || []) if (seats.has(n)) { seats.set(n, { state: 'sold' }); lapsed.delete(n); renderSeat(n); }
          reloadYours();
          break;
        case 'SEAT_RELEASED':
          for (const n of msg.seat_numbers || []) if (seats.has(n)) { seats.set(n, { state: 'free' }); yours.delete(n); renderSeat(n); }
          reloadYours();
          break;
        default:
          return;
      }
      // Seats freed or sold move the waiting list (an offer made, taken or run out).
      if (msg.type !== 'SEAT_LOCKED') waitlist.seatsChanged();
      renderHolds();
    },
    onPersonal(msg) {
      if (msg.type === 'WAITLIST_OFFER' && Array.isArray(msg.seat_nos) && (msg.trip_id == null || msg.trip_id === tripId)) {
        waitlist.offer(msg);
      }
    },
    token: () => (session.user ? tokenStore.get() : null),
    onStatus(status, info) {
      mapPanel.classList.toggle('is-stale', status === 'reconnecting');
      liveStatus.className = `live-status live-status--${status}`;
      if (status === 'live') {
        // Back after a drop: an offer may have been made meanwhile (it is not replayed).
        if (liveStatus.textContent === 'Reconnecting…') waitlist.reconnected();
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
  const unsubscribe = session.subscribe(() => { fillProfile(); loadYours(); feed.reidentify(); renderAll(); });
  renderAll();
  loadYours();

  // Leaving with seats held: asked first, and the holds are released on the way out.
  const unlockPath = (n) => `/bookings/unlock-seat/${tripId}/${n}`;
  const guard = guardLeaving({
    held: () => (booked ? [] : myHolds().map((x) => x.n)),
    unlockPath,
    release: async (list) => {
      await Promise.allSettled(list.map((n) => api(unlockPath(n), { method: 'POST' })));
      for (const n of list) if (isMine(seats.get(n))) seats.set(n, { state: 'free' });
    },
  });

  // ---- actions -----------------------------------------------------------------------
  async function onSeat(n) {
    if (pending.has(n)) return;
    const view = viewOf(n);
    if (departed) { say(`This bus has departed: seat ${n} can no longer be chosen.`, 'warn', n); return; }
    if (view === 'yours') { say(`Seat ${n} is already booked by you.`, 'info', n); return; }
    if (view === 'sold') { say(`Seat ${n} is sold. Please choose another seat.`, 'error', n); return; }
    if (view === 'taken') { say(`Seat ${n} is held by someone else. It becomes free if they do not book in time.`, 'warn', n); return; }
    if (!session.user) {
      renderHolds();
      say('Log in to choose seats.', 'warn', n);
      loginPrompt.querySelector('a').focus({ preventScroll: true });
      return;
    }
    if (view === 'free' && myHolds().length >= MAX_HOLDS) {
      say(`You can hold up to ${MAX_HOLDS} seats at a time. Release one to choose seat ${n}.`, 'warn', n);
      return;
    }
    if (view === 'free' && navigator.onLine === false) {
      say(`You are offline: seat ${n} was not held. Try again when you are connected.`, 'error', n);
      return;
    }
    pending.add(n);
    renderSeat(n);
    try {
      if (view === 'mine') {
        const res = await api(unlockPath(n), { method: 'POST' });
        if (isMine(seats.get(n))) seats.set(n, { state: 'free' });
        say(res && res.message === 'Seat released' ? `Seat ${n} released.` : `Seat ${n} was no longer held by you.`, 'info', n);
      } else {
        await take(n);
        // A seat chosen by hand: the traveller has moved on from the seats that ran out.
        lapsed.clear();
        say(`Seat ${n} is yours for now. Book to keep it.`, 'success', n);
      }
    } catch (err) {
      say(lockFailure(n, err), 'error', n);
    } finally {
      pending.delete(n);
      renderSeat(n);
      renderHolds();
    }
  }

  async function take(n) {
    const res = await api(`/bookings/lock-seat/${tripId}/${n}`, { method: 'POST' });
    const st = seats.get(n);
    if (!isMine(st)) lastTakeAt = Date.now();
    if (!isMine(st) && st.state !== 'sold') seats.set(n, { state: 'held', userId: me(), expiresAt: res && res.expires_at });
    else if (res && typeof res.expires_at === 'number') st.expiresAt = Math.max(st.expiresAt || 0, res.expires_at);
    if (res && typeof res.expires_at === 'number') holdSpan = Math.max(holdSpan, res.expires_at - feed.serverNow());
    lapsed.delete(n);
  }

  /** Marks the seats of a group answer ({holds: [{seat_no, expires_at}]}) as mine with their
   *  deadlines: a new group (`taken`) or an extension. The live feed says the same a moment
   *  earlier or later; either way the later deadline wins. */
  function applyHolds(res, taken) {
    const list = res && Array.isArray(res.holds) ? res.holds : [];
    for (const { seat_no: n, expires_at: at } of list) {
      const st = seats.get(n);
      if (!st || st.state === 'sold') continue;
      if (!isMine(st)) {
        if (taken) lastTakeAt = Date.now();
        seats.set(n, { state: 'held', userId: me(), expiresAt: at });
      } else if (typeof at === 'number') {
        st.expiresAt = Math.max(st.expiresAt || 0, at);
      }
      lapsed.delete(n);
      renderSeat(n);
    }
    if (taken) {
      if (typeof res.expires_at === 'number') holdSpan = Math.max(holdSpan, res.expires_at - feed.serverNow());
      lapsed.clear();
    }
    renderHolds();
  }

  /** A waiting-list offer ({seat_nos, expires_at}): its seats are my holds, as a group take's
   *  answer would say (the live lock message says the same a moment before). One that ran out
   *  already is not drawn. */
  function applyOffer(offer) {
    const at = offer && offer.expires_at;
    if (!offer || !Array.isArray(offer.seat_nos) || (typeof at === 'number' && at <= feed.serverNow())) return;
    applyHolds({ seat_nos: offer.seat_nos, expires_at: at, holds: offer.seat_nos.map((n) => ({ seat_no: n, expires_at: at })) }, true);
  }

  function lockFailure(n, err) {
    if (err instanceof ApiError && err.status === 401) return 'Your session ended. Please log in again to choose seats.';
    if (err instanceof ApiError && err.status === 0) return `You are offline: seat ${n} was not held. Try again when you are connected.`;
    if (err instanceof ApiError && /occupied|held|locked/i.test(err.message)) return `Seat ${n} was just taken by someone else. Please choose another seat.`;
    return err.message;
  }

  /** Takes back the seats whose hold ran out, those still free; says which could not be. */
  async function holdAgain() {
    const wanted = [...lapsed].sort((a, b) => a - b);
    if (!wanted.length || departed) return;
    const room = MAX_HOLDS - myHolds().length;
    const got = [];
    const missed = [];
    for (const n of wanted) {
      if (viewOf(n) !== 'free' || got.length >= room) { missed.push(n); continue; }
      pending.add(n);
      renderSeat(n);
      try {
        await take(n);
        got.push(n);
      } catch {
        missed.push(n);
      } finally {
        pending.delete(n);
        renderSeat(n);
      }
    }
    lapsed.clear();
    renderHolds();
    const list = (xs) => `${xs.length > 1 ? 'seats' : 'seat'} ${fmt.seatList(xs)}`;
    if (got.length && !missed.length) say(`You hold ${list(got)} again. Book to keep ${got.length > 1 ? 'them' : 'it'}.`, 'success', got[0]);
    else if (got.length) say(`You hold ${list(got)} again; ${list(missed)} ${missed.length > 1 ? 'were' : 'was'} taken meanwhile.`, 'warn', got[0]);
    else say(`${list(missed)[0].toUpperCase()}${list(missed).slice(1)} ${missed.length > 1 ? 'were' : 'was'} taken meanwhile. Please choose other seats.`, 'error', missed[0]);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.show(null);
    const holds = myHolds();
    if (departed) { formError.show('This bus has departed: it can no longer be booked.'); return; }
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
      booked = true; // the seats are sold, not held: leave without asking
      guard.allow();
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
    clearTimeout(sayTimer);
    clearTimeout(lapseTimer);
    clearTimeout(yoursTimer);
    waitlist.stop();
    unsubscribe();
    guard.stop();
    barSize.disconnect();
    phoneQuery.removeEventListener('change', reserve);
    phoneQuery.removeEventListener('change', placeWaitlist);
    document.body.style.removeProperty('--bottom-bar-height');
    document.documentElement.style.scrollPaddingBottom = '';
    document.body.classList.remove('has-bottom-bar');
    banner(null);
  };
}
