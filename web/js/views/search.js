// Search trips by source, destination and date; results link to the trip's seat map.

import { h, icon, clear } from '../dom.js';
import { api } from '../api.js';
import { pageTitle, errorBox, field, loading, emptyState } from '../ui.js';
import { navigate } from '../nav.js';
import * as fmt from '../format.js';

let citiesCache = null;
export function forgetCities() { citiesCache = null; }

async function cities(signal) {
  if (!citiesCache) citiesCache = await api('/trips/cities', { signal });
  return citiesCache;
}

/** The trip page shows the bus name and type from the search result it was opened from. */
export function rememberTrip(trip) {
  try { sessionStorage.setItem(`seatd.trip.${trip.trip_id}`, JSON.stringify(trip)); } catch { /* full */ }
}

function tripCard(trip) {
  const few = trip.available_seats > 0 && trip.available_seats <= 5;
  const soldOut = trip.available_seats <= 0;
  const href = `#/trip/${trip.trip_id}`;
  return h('li', { class: 'trip-card', 'data-trip-id': trip.trip_id },
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
      icon('bus'),
      h('span', { class: 'trip-card__busname' }, trip.bus_name),
      h('span', { class: 'badge' }, trip.bus_type || 'Bus')),
    h('p', { class: 'sr-only' }, `Departs ${fmt.dateTime(trip.departure_time)}, arrives ${fmt.dateTime(trip.arrival_time)}.`),
    h('div', { class: 'trip-card__buy' },
      h('span', { class: 'trip-card__price' }, fmt.money(trip.price)),
      h('span', { class: ['trip-card__seats', few && 'trip-card__seats--few', soldOut && 'trip-card__seats--none'] },
        soldOut ? 'Sold out' : `${fmt.plural(trip.available_seats, 'seat')} left`),
      h('a', {
        class: ['button', soldOut && 'button--secondary'], href,
        'aria-label': `${soldOut ? 'See seats' : 'Select seats'}: ${trip.bus_name}, ${fmt.time(trip.departure_time)} ${trip.source} to ${trip.destination}`,
        onclick: () => rememberTrip(trip),
      }, soldOut ? 'See seats' : 'Select seats')));
}

export async function searchView({ main, query, signal }) {
  const from = h('input', { type: 'text', name: 'source', list: 'city-list', autocomplete: 'off', required: true, value: query.get('from') || '', placeholder: 'e.g. Chennai' });
  const to = h('input', { type: 'text', name: 'destination', list: 'city-list', autocomplete: 'off', required: true, value: query.get('to') || '', placeholder: 'e.g. Madurai' });
  const day = h('input', { type: 'date', name: 'travel_date', required: true, value: query.get('date') || fmt.isoDay(), min: fmt.isoDay() });
  const datalist = h('datalist', { id: 'city-list' });
  const error = errorBox();
  const results = h('section', { class: 'results', 'aria-live': 'polite', 'aria-labelledby': 'results-title' });
  const swap = h('button', {
    type: 'button', class: 'button button--icon swap', 'aria-label': 'Swap from and to',
    title: 'Swap from and to',
    onclick: () => { [from.value, to.value] = [to.value, from.value]; from.focus(); },
  }, icon('swap'));

  const form = h('form', { class: 'search card', role: 'search', 'aria-label': 'Find a bus', novalidate: true },
    h('div', { class: 'search__fields' },
      field('From', from), swap, field('To', to), field('Date', day),
      h('button', { type: 'submit', class: 'button search__submit' }, 'Search')),
    datalist, error);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.show(null);
    const f = from.value.trim();
    const t = to.value.trim();
    if (!f || !t || !day.value) {
      error.show('Choose where you leave from, where you are going, and the date.');
      (!f ? from : !t ? to : day).focus();
      return;
    }
    if (f.toLowerCase() === t.toLowerCase()) {
      error.show('From and To are the same city. Choose a different destination.');
      to.focus();
      return;
    }
    const q = new URLSearchParams({ from: f, to: t, date: day.value });
    navigate(`#/search?${q}`);
  });

  main.append(
    h('section', { class: 'hero' },
      pageTitle('Where are you going?', 'hero__title'),
      h('p', { class: 'lead' }, 'Pick your seat on a live map: you see other travellers’ choices the moment they make them.'),
      form),
    results);

  cities(signal).then((list) => {
    clear(datalist).append(...(list || []).map((c) => h('option', { value: c })));
    if (!query.get('from') && list && list.length === 0) {
      results.append(emptyState('No trips yet', 'The schedule is empty. An operator can upload one on the dashboard.'));
    }
  }).catch((err) => { if (err.name !== 'AbortError') error.show(err.message); });

  const f = query.get('from');
  const t = query.get('to');
  const d = query.get('date');
  if (!f || !t || !d) {
    from.focus();
    return;
  }

  try { sessionStorage.setItem('seatd.lastSearch', `#/search?${new URLSearchParams({ from: f, to: t, date: d })}`); } catch { /* full */ }
  results.append(loading('Finding trips…'));
  try {
    const trips = await api(`/trips/search?${new URLSearchParams({ source: f, destination: t, travel_date: d })}`, { signal });
    clear(results);
    const heading = h('h2', { id: 'results-title', class: 'results__title' },
      `${f} → ${t}`, h('span', { class: 'results__date' }, fmt.date(`${d}T00:00`)));
    if (!trips.length) {
      results.append(heading, emptyState('No buses on this day',
        'Try another date, or check the spelling of the cities.'));
      return;
    }
    trips.sort((a, b) => a.departure_time.localeCompare(b.departure_time));
    results.append(heading,
      h('p', { class: 'results__count' }, `${fmt.plural(trips.length, 'bus', 'buses')} found`),
      h('ul', { class: 'trip-list' }, trips.map(tripCard)));
  } catch (err) {
    if (err.name === 'AbortError') return;
    clear(results);
    error.show(err.message);
  }
}
