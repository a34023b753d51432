// Search trips by source, destination and date. With a search in the address the page is the
// results: a compact "modify search" bar, a strip of neighbouring dates (buses and lowest fare
// per day, GET /trips/calendar), sorting and filters, and cards that link to the seat map.
// An empty day says where buses from that city do go (GET /trips/routes) and when this route
// next runs. Past dates and departed buses are refused here, not only by the server.

import { h, icon, clear } from '../dom.js';
import { api } from '../api.js';
import { pageTitle, errorBox, field, loading, emptyState } from '../ui.js';
import { navigate } from '../nav.js';
import * as fmt from '../format.js';

let citiesCache = null;
let routesCache = null;
/** The schedule changed (an upload): the city and route lists are asked for again. */
export function forgetCities() { citiesCache = null; routesCache = null; }

async function cities(signal) {
  if (!citiesCache) citiesCache = await api('/trips/cities', { signal });
  return citiesCache;
}

/** Every route with a departure still to come (for the example and the "routes we run"). */
async function allRoutes(signal) {
  if (!routesCache) routesCache = await api('/trips/routes', { signal });
  return routesCache;
}

/** The trip page shows the bus name and type from the search result it was opened from. */
export function rememberTrip(trip) {
  try { sessionStorage.setItem(`seatd.trip.${trip.trip_id}`, JSON.stringify(trip)); } catch { /* full */ }
}

// ---- dates ------------------------------------------------------------------------------

function validDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || '')) return false;
  const d = fmt.parseLocal(text);
  return Boolean(d) && fmt.isoDay(d) === text;
}

function addDays(day, n) {
  const d = fmt.parseLocal(day);
  d.setDate(d.getDate() + n);
  return fmt.isoDay(d);
}

/** Departed by the browser's own clock as well as by the server's flag: a page left open
 *  past a departure, or a server that did not say, still cannot sell it. */
function hasDeparted(trip, now = new Date()) {
  const at = fmt.parseLocal(trip.departure_time);
  return Boolean(trip.departed) || (at !== null && at <= now);
}

// ---- sorting and filters ----------------------------------------------------------------

const SORTS = {
  departure: { label: 'Departure (earliest)', key: (t) => t.departure_time },
  fare: { label: 'Fare (lowest)', key: (t) => Number(t.price) || 0 },
  duration: { label: 'Duration (shortest)', key: (t) => fmt.parseLocal(t.arrival_time) - fmt.parseLocal(t.departure_time) },
  seats: { label: 'Seats left (most)', key: (t) => -(t.available_seats || 0) },
};

const TIMES = [
  { id: 'morning', label: 'Morning', hint: '6 am – 12 pm', from: 6, to: 12 },
  { id: 'afternoon', label: 'Afternoon', hint: '12 – 6 pm', from: 12, to: 18 },
  { id: 'evening', label: 'Evening', hint: '6 pm – 12 am', from: 18, to: 24 },
  { id: 'night', label: 'Night', hint: '12 – 6 am', from: 0, to: 6 },
];

const TYPES = [
  { id: 'ac', label: 'AC' },
  { id: 'nonac', label: 'Non-AC' },
];

function isAc(trip) {
  const type = String(trip.bus_type || '');
  return /\bAC\b/i.test(type) && !/non[\s-]*a\.?c/i.test(type);
}

function timeBand(trip) {
  const d = fmt.parseLocal(trip.departure_time);
  const hour = d ? d.getHours() : 0;
  return TIMES.find((b) => hour >= b.from && hour < b.to).id;
}

function matches(trip, state) {
  if (state.types.size && !state.types.has(isAc(trip) ? 'ac' : 'nonac')) return false;
  if (state.times.size && !state.times.has(timeBand(trip))) return false;
  return true;
}

function sorted(trips, sortKey) {
  const key = (SORTS[sortKey] || SORTS.departure).key;
  const now = new Date();
  return [...trips].sort((a, b) => {
    // What has left goes last, whatever the order.
    const gone = Number(hasDeparted(a, now)) - Number(hasDeparted(b, now));
    if (gone) return gone;
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return a.departure_time.localeCompare(b.departure_time);
  });
}

function readState(query) {
  const list = (name, allowed) => new Set((query.get(name) || '').split(',').filter((v) => allowed.includes(v)));
  return {
    sort: SORTS[query.get('sort')] ? query.get('sort') : 'departure',
    types: list('type', TYPES.map((t) => t.id)),
    times: list('time', TIMES.map((t) => t.id)),
  };
}

function searchHash(from, to, date, state) {
  const q = new URLSearchParams({ from, to, date });
  if (state && state.sort !== 'departure') q.set('sort', state.sort);
  if (state && state.types.size) q.set('type', [...state.types].join(','));
  if (state && state.times.size) q.set('time', [...state.times].join(','));
  return `#/search?${q}`;
}

// ---- a result -----------------------------------------------------------------------------

function tripCard(trip, now) {
  const departed = hasDeparted(trip, now);
  const few = trip.available_seats > 0 && trip.available_seats <= 5;
  const soldOut = trip.available_seats <= 0;
  const href = `#/trip/${trip.trip_id}`;
  const what = `${trip.operator ? `${trip.operator} ` : ''}${trip.bus_name}, ${fmt.time(trip.departure_time)} ${trip.source} to ${trip.destination}`;
  let action;
  if (departed) {
    // Not a link and not a button: there is nothing left to do with this bus.
    action = h('span', { class: 'trip-card__gone' }, icon('clock'), 'Departed');
  } else {
    action = h('a', {
      class: ['button', soldOut && 'button--secondary'], href,
      'aria-label': `${soldOut ? 'See seats' : 'Select seats'}: ${what}`,
      onclick: () => rememberTrip(trip),
    }, soldOut ? 'See seats' : 'Select seats');
  }
  let seatsText = soldOut ? 'Sold out' : `${fmt.plural(trip.available_seats, 'seat')} left`;
  if (departed) seatsText = `Left at ${fmt.time(trip.departure_time)}`;
  return h('li', { class: ['trip-card', departed && 'trip-card--departed'], 'data-trip-id': trip.trip_id, 'data-departed': departed ? 'true' : null },
    h('div', { class: 'trip-card__times' },
      h('div', { class: 'trip-card__point' },
        h('span', { class: 'trip-card__time' }, fmt.time(trip.departure_time)),
        h('span', { class: 'trip-card__city' }, trip.source)),
      h('div', { class: 'trip-card__line', 'aria-hidden': 'true' },
        h('span', { class: 'trip-card__duration' }, fmt.duration(trip.departure_time, trip.arrival_time))),
      h('div', { class: 'trip-card__point trip-card__point--end' },
        h('span', { class: 'trip-card__time' }, fmt.time(trip.arrival_time),
          fmt.shortDate(trip.arrival_time) !== fmt.shortDate(trip.departure_time)
            ? h('sup', { class: 'trip-card__nextday', title: 'Arrives the next day' }, '+1') : null),
        h('span', { class: 'trip-card__city' }, trip.destination))),
    h('div', { class: 'trip-card__bus' },
      trip.operator ? h('span', { class: 'trip-card__operator', 'data-testid': 'operator' }, trip.operator) : null,
      h('span', { class: 'trip-card__busline' },
        icon('bus'),
        h('span', { class: 'trip-card__busname' }, trip.bus_name),
        h('span', { class: 'badge' }, trip.bus_type || 'Bus'))),
    h('p', { class: 'sr-only' }, `${departed ? 'Departed. ' : ''}Departs ${fmt.dateTime(trip.departure_time)}, arrives ${fmt.dateTime(trip.arrival_time)}.`),
    h('div', { class: 'trip-card__buy' },
      h('span', { class: 'trip-card__price' }, fmt.money(trip.price)),
      h('span', { class: ['trip-card__seats', !departed && few && 'trip-card__seats--few', !departed && soldOut && 'trip-card__seats--none'] }, seatsText),
      action));
}

// ---- the date strip -----------------------------------------------------------------------

function dateStrip(calendar, from, to, day, state) {
  const today = fmt.isoDay();
  const items = (calendar.days || []).filter((d) => validDay(d.date) && d.date >= today && !d.past);
  if (!items.length) return null;
  const cell = (d) => {
    const current = d.date === day;
    const when = fmt.parseLocal(d.date);
    return h('li', {},
      h('a', {
        class: ['date-strip__day', current && 'is-current', !d.trips && 'is-empty'],
        href: searchHash(from, to, d.date, state),
        'aria-current': current ? 'date' : null, 'data-date': d.date,
      },
      h('span', { class: 'date-strip__weekday' }, fmt.shortDate(d.date).split(' ')[0]),
      h('span', { class: 'date-strip__date' }, `${when.getDate()} ${fmt.shortDate(d.date).split(' ')[2]}`),
      h('span', { class: 'date-strip__buses' }, d.trips ? fmt.plural(d.trips, 'bus', 'buses') : 'No buses'),
      h('span', { class: 'date-strip__fare' }, d.trips && d.lowest_fare != null ? `from ${fmt.money(d.lowest_fare)}` : '—')));
  };
  const prevDay = addDays(day, -1);
  const nextDay = addDays(day, 1);
  return h('nav', { class: 'date-strip', 'aria-label': 'Other days', 'data-testid': 'date-strip' },
    prevDay >= today
      ? h('a', { class: 'date-strip__step', href: searchHash(from, to, prevDay, state), 'data-date': prevDay, 'aria-label': `Previous day, ${fmt.date(prevDay)}` }, '‹')
      : h('span', { class: 'date-strip__step is-disabled', 'aria-hidden': 'true' }, '‹'),
    h('ul', { class: 'date-strip__days' }, items.map(cell)),
    h('a', { class: 'date-strip__step', href: searchHash(from, to, nextDay, state), 'data-date': nextDay, 'aria-label': `Next day, ${fmt.date(nextDay)}` }, '›'));
}

// ---- where else to go when a day is empty ---------------------------------------------------

async function suggestions(from, to, day, signal) {
  const box = h('div', { class: 'suggest', 'data-testid': 'suggestions' });
  const [next, routes] = await Promise.allSettled([
    api(`/trips/calendar?${new URLSearchParams({ source: from, destination: to, from: addDays(day, 1), days: '31' })}`, { signal }),
    api(`/trips/routes?${new URLSearchParams({ source: from })}`, { signal }),
  ]);
  if (next.status === 'fulfilled') {
    const found = (next.value.days || []).find((d) => d.trips > 0 && !d.past);
    box.append(h('div', { class: 'suggest__block' },
      h('h3', { class: 'suggest__title' }, 'Next bus on this route'),
      found
        ? h('p', {}, h('a', { class: 'button button--secondary', href: searchHash(next.value.source || from, next.value.destination || to, found.date), 'data-testid': 'next-date' },
          `${fmt.date(found.date)}: ${fmt.plural(found.trips, 'bus', 'buses')} from ${fmt.money(found.lowest_fare)}`))
        : h('p', {}, `No buses from ${from} to ${to} in the next 31 days.`)));
  }
  if (routes.status === 'fulfilled') {
    const list = (routes.value || []).filter((r) => r.destination.toLowerCase() !== to.toLowerCase()).slice(0, 12);
    const source = routes.value && routes.value[0] ? routes.value[0].source : from;
    if (list.length) {
      box.append(h('div', { class: 'suggest__block' },
        h('h3', { class: 'suggest__title' }, `Where buses from ${source} go`),
        h('ul', { class: 'route-links' }, list.map((r) => h('li', {},
          h('a', { class: 'route-link', href: searchHash(r.source, r.destination, r.next_date) },
            h('span', { class: 'route-link__to' }, `${r.source} → ${r.destination}`),
            h('span', { class: 'route-link__when' }, `next ${fmt.shortDate(r.next_date)} · ${fmt.plural(r.trips, 'bus', 'buses')}`)))))));
    } else if (!(routes.value || []).length) {
      let known = [];
      try { known = await cities(signal); } catch { /* the message stands without the list */ }
      box.append(h('div', { class: 'suggest__block' },
        h('h3', { class: 'suggest__title' }, `No buses leave from ${from}`),
        known.length ? h('p', {}, 'Cities we serve: ', known.slice(0, 30).join(', '), '.') : null));
    }
  }
  return box;
}

// ---- the page -----------------------------------------------------------------------------

export async function searchView({ main, query, signal }) {
  const today = fmt.isoDay();
  const f = (query.get('from') || '').trim();
  const t = (query.get('to') || '').trim();
  const d = query.get('date') || '';
  const searching = Boolean(f && t && d);
  const state = readState(query);

  const from = h('input', { type: 'text', name: 'source', list: 'city-list', autocomplete: 'off', required: true, value: f, maxlength: '100' });
  const to = h('input', { type: 'text', name: 'destination', list: 'city-list', autocomplete: 'off', required: true, value: t, maxlength: '100' });
  const day = h('input', { type: 'date', name: 'travel_date', required: true, value: validDay(d) && d >= today ? d : today, min: today });
  const datalist = h('datalist', { id: 'city-list' });
  const error = errorBox();
  const swap = h('button', {
    type: 'button', class: 'button button--icon swap', 'aria-label': 'Swap from and to',
    title: 'Swap from and to',
    onclick: () => { [from.value, to.value] = [to.value, from.value]; from.focus(); },
  }, icon('swap'));

  const form = h('form', { class: 'search card', id: 'search-form', role: 'search', 'aria-label': 'Find a bus', novalidate: true },
    h('div', { class: 'search__fields' },
      field('From', from), swap, field('To', to), field('Date', day),
      h('button', { type: 'submit', class: 'button search__submit' }, 'Search')),
    datalist, error);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.show(null);
    const ff = from.value.trim();
    const tt = to.value.trim();
    if (!ff || !tt || !day.value) {
      error.show('Choose where you leave from, where you are going, and the date.');
      (!ff ? from : !tt ? to : day).focus();
      return;
    }
    if (ff.toLowerCase() === tt.toLowerCase()) {
      error.show('From and To are the same city. Choose a different destination.');
      to.focus();
      return;
    }
    if (!validDay(day.value)) {
      error.show('Enter the date as day, month and year.');
      day.focus();
      return;
    }
    if (day.value < fmt.isoDay()) {
      error.show(`That date has passed. Choose today (${fmt.date(fmt.isoDay())}) or a later day.`);
      day.focus();
      return;
    }
    navigate(searchHash(ff, tt, day.value, searching ? state : null));
  });

  cities(signal).then((list) => {
    clear(datalist).append(...(list || []).map((c) => h('option', { value: c })));
  }).catch((err) => { if (err.name !== 'AbortError') error.show(err.message); });

  if (!searching) {
    const routesBox = h('div', { class: 'popular', 'data-testid': 'routes' });
    main.append(
      h('section', { class: 'hero' },
        pageTitle('Where are you going?', 'hero__title'),
        h('p', { class: 'lead' }, 'Pick your seat on a live map: you see other travellers’ choices the moment they make them.'),
        form),
      routesBox);
    from.focus();
    // A real route as the example, and the routes that run, each a search away.
    allRoutes(signal).then((routes) => {
      const list = routes || [];
      if (!list.length) {
        routesBox.append(emptyState('No trips yet', 'The schedule is empty. An operator can upload one on the dashboard.'));
        return;
      }
      const busiest = [...list].sort((a, b) => b.trips - a.trips || a.next_date.localeCompare(b.next_date));
      from.placeholder = `e.g. ${busiest[0].source}`;
      to.placeholder = `e.g. ${busiest[0].destination}`;
      routesBox.append(h('h2', { class: 'section-title', id: 'routes-title' }, 'Routes we run'),
        h('ul', { class: 'route-links', 'aria-labelledby': 'routes-title' }, busiest.slice(0, 12).map((r) => h('li', {},
          h('a', { class: 'route-link', href: searchHash(r.source, r.destination, r.next_date) },
            h('span', { class: 'route-link__to' }, `${r.source} → ${r.destination}`),
            h('span', { class: 'route-link__when' }, `next ${fmt.shortDate(r.next_date)} · ${fmt.plural(r.trips, 'bus', 'buses')}`))))));
    }).catch((err) => { if (err.name !== 'AbortError') console.warn(err); });
    return;
  }

  // ---- results ----
  const modify = h('button', {
    type: 'button', class: 'button button--secondary button--small modify-bar__button',
    'aria-expanded': 'false', 'aria-controls': 'search-form',
    onclick: () => {
      const open = form.hidden;
      form.hidden = !open;
      modify.setAttribute('aria-expanded', String(open));
      if (open) from.focus();
    },
  }, 'Modify');
  const dateText = validDay(d) ? fmt.date(d) : d;
  const head = h('section', { class: 'results-head' },
    h('div', { class: 'modify-bar', 'data-testid': 'modify-bar' },
      h('div', { class: 'modify-bar__what' },
        pageTitle(`${f} → ${t}`, 'modify-bar__route'),
        h('p', { class: 'modify-bar__date' }, dateText)),
      modify),
    form);
  form.hidden = true;
  const strip = h('div', { class: 'date-strip-box' });
  const results = h('section', { class: 'results', 'aria-labelledby': 'results-title' });
  main.append(head, strip, results);

  try { sessionStorage.setItem('seatd.lastSearch', searchHash(f, t, d)); } catch { /* full */ }

  // The address is checked like the form: a date that is not one, or has passed, lists nothing.
  if (!validDay(d) || d < today) {
    document.title = 'Choose another date · seatd';
    form.hidden = false;
    modify.setAttribute('aria-expanded', 'true');
    results.append(h('h2', { id: 'results-title', class: 'sr-only' }, 'Results'),
      h('div', { class: 'empty empty--refused', role: 'alert', 'data-testid': 'past-date' },
        h('p', { class: 'empty__title' }, validDay(d) ? `${dateText} has passed` : 'That is not a date'),
        h('p', {}, 'Buses can only be booked from today on.'),
        h('p', { class: 'empty__actions' }, h('a', { class: 'button', href: searchHash(f, t, today) }, `See buses today, ${fmt.shortDate(today)}`))));
    return;
  }

  results.append(loading('Finding trips…'));
  const calendarFrom = addDays(d, -3) < today ? today : addDays(d, -3);
  const calendar = api(`/trips/calendar?${new URLSearchParams({ source: f, destination: t, from: calendarFrom, days: '7' })}`, { signal })
    .catch((err) => { if (err.name !== 'AbortError') console.warn(err); return null; });
  let trips;
  try {
    trips = await api(`/trips/search?${new URLSearchParams({ source: f, destination: t, travel_date: d })}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') return;
    if (signal.aborted) return;
    clear(results);
    form.hidden = false;
    error.show(err.message);
    return;
  }
  // The answer may come after the visitor has gone on (the fetch had finished when the router
  // aborted): a page that has been left draws nothing and never touches the address.
  if (signal.aborted) return;
  calendar.then((cal) => {
    const el = cal && dateStrip(cal, f, t, d, state);
    if (!el) return;
    strip.append(el);
    el.querySelector('.is-current')?.scrollIntoView({ block: 'nearest', inline: 'center' });
  });

  // The cities as seatd names them (an alias or other spelling was typed: Bengaluru, chennai).
  if (trips.length) {
    const named = `${trips[0].source} → ${trips[0].destination}`;
    const h1 = head.querySelector('h1');
    if (h1 && h1.textContent !== named) { h1.textContent = named; document.title = `${named} · seatd`; }
  }
  clear(results);
  const heading = h('h2', { id: 'results-title', class: 'results__title' }, trips.length ? 'Buses' : `No buses on ${fmt.shortDate(d)}`);
  if (!trips.length) {
    results.append(heading,
      h('p', { class: 'results__none' }, `We have no bus from ${f} to ${t} on ${dateText}.`),
      loading('Looking for other dates and routes…'));
    const more = await suggestions(f, t, d, signal).catch((err) => (err.name === 'AbortError' ? null : h('p', {}, err.message)));
    if (!more) return;
    results.querySelector('.loading')?.remove();
    results.append(more);
    return;
  }

  // Sort and filters: the list changes in place; the address remembers them (for Back and
  // reload) without a new search.
  const count = h('p', { class: 'results__count', role: 'status' });
  const list = h('ul', { class: 'trip-list' });
  const sortSelect = h('select', { id: 'sort-by', name: 'sort' },
    Object.entries(SORTS).map(([id, s]) => h('option', { value: id, selected: id === state.sort }, s.label)));
  const chip = (set, id, label, hint, n) => {
    const b = h('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(set.has(id)), 'data-filter': id,
    }, label, hint ? h('span', { class: 'chip__hint' }, hint) : null, h('span', { class: 'chip__count' }, `(${n})`));
    b.addEventListener('click', () => {
      if (set.has(id)) set.delete(id); else set.add(id);
      b.setAttribute('aria-pressed', String(set.has(id)));
      update();
    });
    return b;
  };
  const clearFilters = h('button', {
    type: 'button', class: 'button button--ghost button--small',
    onclick: () => {
      state.types.clear();
      state.times.clear();
      for (const b of toolbar.querySelectorAll('.chip')) b.setAttribute('aria-pressed', 'false');
      update();
    },
  }, 'Clear filters');
  const toolbar = h('div', { class: 'results__tools', 'data-testid': 'result-tools' },
    h('div', { class: 'results__sort' }, h('label', { for: 'sort-by' }, 'Sort by'), sortSelect),
    h('div', { class: 'filters' },
      h('div', { class: 'filters__group', role: 'group', 'aria-labelledby': 'filter-type' },
        h('span', { class: 'filters__label', id: 'filter-type' }, 'Bus type'),
        TYPES.map((ty) => chip(state.types, ty.id, ty.label, null, trips.filter((x) => (isAc(x) ? 'ac' : 'nonac') === ty.id).length))),
      h('div', { class: 'filters__group', role: 'group', 'aria-labelledby': 'filter-time' },
        h('span', { class: 'filters__label', id: 'filter-time' }, 'Departure'),
        TIMES.map((b) => chip(state.times, b.id, b.label, b.hint, trips.filter((x) => timeBand(x) === b.id).length))),
      clearFilters));
  sortSelect.addEventListener('change', () => { state.sort = sortSelect.value; update(); });

  function update() {
    if (signal.aborted) return; // the page has been left: the address is no longer its own
    const now = new Date();
    const shown = sorted(trips.filter((x) => matches(x, state)), state.sort);
    const open = trips.filter((x) => !hasDeparted(x, now)).length;
    count.textContent = shown.length === trips.length
      ? `${fmt.plural(trips.length, 'bus', 'buses')} found${open < trips.length ? `, ${open} still to depart` : ''}`
      : `${shown.length} of ${fmt.plural(trips.length, 'bus', 'buses')} match the filters`;
    clearFilters.hidden = !state.types.size && !state.times.size;
    clear(list).append(...shown.map((x) => tripCard(x, now)));
    list.hidden = !shown.length;
    empty.hidden = shown.length > 0;
    history.replaceState(null, '', searchHash(f, t, d, state));
    try { sessionStorage.setItem('seatd.lastSearch', searchHash(f, t, d, state)); } catch { /* full */ }
    for (const a of strip.querySelectorAll('a[data-date]')) a.href = searchHash(f, t, a.dataset.date, state);
  }
  const empty = h('div', { class: 'empty', hidden: true },
    h('p', { class: 'empty__title' }, 'No buses match these filters'),
    h('p', {}, 'Clear a filter to see more.'));
  results.append(heading, toolbar, count, list, empty);
  update();
}
