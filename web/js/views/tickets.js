// My tickets (GET /bookings/my-tickets), one ticket (GET /bookings/{number}) with who travels
// on each seat, its PDF boarding pass (GET /bookings/{number}/ticket.pdf), printing, and its
// cancellation (POST /bookings/{number}/cancel) behind a confirmation step, sharing its link,
// and a small read-only seat map of the bus with the ticket's seats highlighted.

import { h, icon, clear } from '../dom.js';
import { api, ApiError, download } from '../api.js';
import { pageTitle, errorBox, emptyState, loading, toast, busy } from '../ui.js';
import * as fmt from '../format.js';
import { miniCoach } from '../seatmap.js';

function statusBadge(status) {
  const cancelled = status === 'cancelled';
  return h('span', { class: ['badge', cancelled ? 'badge--cancelled' : 'badge--confirmed'] },
    cancelled ? icon('cross') : icon('check'), cancelled ? 'Cancelled' : 'Confirmed');
}

/** "09:12" of a time in ms since the epoch, in the browser's clock. */
function clockTime(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Who travels on each seat, and whether they have boarded. A booking made with the original
 *  body names nobody: its seats are the booker's. */
function passengerList(t) {
  const seats = t.seats || [];
  const bySeat = new Map((t.passengers || []).map((p) => [p.seat_no, p]));
  const booker = (t.user_details && t.user_details.name) || null;
  return h('ul', { class: 'passengers', 'data-testid': 'ticket-passengers' }, seats.map((n) => {
    const p = bySeat.get(n) || { seat_no: n };
    const details = [p.age != null ? `${p.age}` : null, p.gender].filter(Boolean).join(' · ');
    return h('li', { class: ['passengers__item', p.boarded_at && 'passengers__item--boarded'], 'data-seat': n },
      h('span', { class: 'passengers__seat' }, `Seat ${n}`),
      h('span', { class: 'passengers__who' },
        h('span', { class: 'passengers__name' }, p.name || booker || 'Passenger'),
        details ? h('span', { class: 'passengers__details' }, details) : null),
      p.boarded_at
        ? h('span', { class: 'badge badge--boarded', title: `Boarded at ${clockTime(p.boarded_at)}` }, icon('check'), `Boarded ${clockTime(p.boarded_at)}`)
        : null);
  }));
}

function isPast(trip) {
  const d = fmt.parseLocal(trip.departure_time);
  return d && d < new Date();
}

export async function ticketsView({ main, signal }) {
  main.append(pageTitle('My tickets'));
  const box = h('div', {}, loading('Loading your tickets…'));
  main.append(box);
  let tickets;
  try {
    tickets = await api('/bookings/my-tickets', { signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(box).append(h('p', { class: 'form-error', role: 'alert' }, err.message));
    return;
  }
  clear(box);
  if (!tickets.length) {
    box.append(emptyState('No tickets yet', 'When you book seats, your tickets appear here.',
      h('a', { class: 'button', href: '#/' }, 'Find a bus')));
    return;
  }
  // Upcoming confirmed trips first (soonest first), then the rest (newest first).
  const upcoming = tickets.filter((t) => t.status !== 'cancelled' && !isPast(t.trip))
    .sort((a, b) => a.trip.departure_time.localeCompare(b.trip.departure_time));
  const others = tickets.filter((t) => !upcoming.includes(t))
    .sort((a, b) => b.trip.departure_time.localeCompare(a.trip.departure_time));

  const card = (t) => h('li', { class: ['ticket-card', t.status === 'cancelled' && 'ticket-card--cancelled'], 'data-booking': t.booking_number },
    h('a', { class: 'ticket-card__link', href: `#/ticket/${encodeURIComponent(t.booking_number)}` },
      h('span', { class: 'ticket-card__route' }, `${t.trip.source} → ${t.trip.destination}`),
      h('span', { class: 'ticket-card__when' }, `${fmt.date(t.trip.departure_time)}, ${fmt.time(t.trip.departure_time)}`),
      h('span', { class: 'ticket-card__meta' },
        h('span', { class: 'ticket-card__number' }, t.booking_number),
        h('span', {}, `${(t.seats || []).length > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(t.seats || [])}`),
        statusBadge(t.status))));

  if (upcoming.length) {
    box.append(h('h2', { class: 'section-title' }, 'Upcoming'), h('ul', { class: 'ticket-list' }, upcoming.map(card)));
  }
  if (others.length) {
    box.append(h('h2', { class: 'section-title' }, upcoming.length ? 'Past and cancelled' : 'Past and cancelled trips'),
      h('ul', { class: 'ticket-list' }, others.map(card)));
  }
}

export async function ticketView({ main, params, signal }) {
  const number = decodeURIComponent(params[0]).toUpperCase();
  const holder = h('div', {}, loading('Loading your ticket…'));
  main.append(holder);
  let t;
  try {
    t = await api(`/bookings/${encodeURIComponent(number)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(main);
    if (err instanceof ApiError && err.status === 404) {
      main.append(pageTitle('Ticket not found'),
        emptyState(`There is no booking ${number} on your account.`, 'Check the booking number, or see all your tickets.',
          h('a', { class: 'button', href: '#/tickets' }, 'My tickets')));
      return;
    }
    throw err;
  }
  // The bus's seat count for the small seat map (GET /trips/{id}/seats is public); without it
  // the ticket is shown without the map.
  let seatCount = 0;
  try {
    const list = await api(`/trips/${encodeURIComponent(t.trip.id)}/seats`, { signal });
    seatCount = Array.isArray(list) ? Math.min(list.length, 200) : 0;
  } catch (err) {
    if (err.name === 'AbortError') throw err;
  }
  clear(main);
  const render = () => {
    clear(main);
    const seats = t.seats || [];
    const cancelled = t.status === 'cancelled';
    const error = errorBox();
    const actions = h('div', { class: 'ticket__actions' });

    const cancelButton = h('button', { type: 'button', class: 'button button--danger-outline' }, 'Cancel booking');
    const confirmBox = h('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'confirm-title', hidden: true },
      h('p', { id: 'confirm-title', class: 'confirm__title' }, `Cancel booking ${t.booking_number}?`),
      h('p', {}, `${seats.length > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(seats)} will be released for other travellers. This cannot be undone.`));
    const yes = h('button', { type: 'button', class: 'button button--danger' }, 'Yes, cancel booking');
    const no = h('button', { type: 'button', class: 'button button--secondary' }, 'Keep booking');
    confirmBox.append(h('div', { class: 'confirm__buttons' }, yes, no));
    cancelButton.addEventListener('click', () => {
      confirmBox.hidden = false;
      cancelButton.hidden = true;
      no.focus();
    });
    no.addEventListener('click', () => {
      confirmBox.hidden = true;
      cancelButton.hidden = false;
      cancelButton.focus();
    });
    yes.addEventListener('click', async () => {
      error.show(null);
      yes.disabled = true;
      no.disabled = true;
      yes.textContent = 'Cancelling…';
      try {
        await api(`/bookings/${encodeURIComponent(t.booking_number)}/cancel`, { method: 'POST' });
        t = { ...t, status: 'cancelled' };
        toast(`Booking ${t.booking_number} is cancelled. ${seats.length > 1 ? 'The seats are' : 'The seat is'} free again.`, 'success');
        render();
        main.querySelector('h1').focus();
      } catch (err) {
        error.show(err.message);
        yes.disabled = false;
        no.disabled = false;
        yes.textContent = 'Yes, cancel booking';
      }
    });

    const pdfButton = h('button', { type: 'button', class: 'button', 'data-testid': 'download-pdf' }, icon('download'), 'Download PDF');
    pdfButton.addEventListener('click', async () => {
      error.show(null);
      try {
        await busy(pdfButton, 'Downloading…', () => download(`/bookings/${encodeURIComponent(t.booking_number)}/ticket.pdf`,
          `ticket-${t.booking_number}.pdf`, { accept: 'application/pdf' }));
      } catch (err) {
        error.show(`The PDF could not be downloaded. ${err.message}`);
      }
    });
    const printButton = h('button', { type: 'button', class: 'button button--secondary', onclick: () => window.print() }, icon('printer'), 'Print');
    const shareStatus = h('span', { class: 'share-status', role: 'status', 'data-testid': 'share-status' });
    const shareButton = h('button', { type: 'button', class: 'button button--secondary', 'data-testid': 'share' }, icon('share'), 'Share');
    let shareTimer = null;
    const shared = (text) => {
      clearTimeout(shareTimer);
      shareStatus.replaceChildren(icon('check'), text);
      shareTimer = setTimeout(() => shareStatus.replaceChildren(), 6000);
    };
    shareButton.addEventListener('click', async () => {
      error.show(null);
      const url = `${location.origin}${location.pathname}#/ticket/${encodeURIComponent(t.booking_number)}`;
      // The phone's own share sheet where the browser has one; elsewhere the link is copied.
      if (typeof navigator.share === 'function') {
        try {
          await navigator.share({
            title: `Bus ticket ${t.booking_number}`,
            text: `${t.trip.source} → ${t.trip.destination}, ${fmt.dateTime(t.trip.departure_time)}, ${seats.length > 1 ? 'seats' : 'seat'} ${fmt.seatList(seats)}`,
            url,
          });
          shared('Shared');
          return;
        } catch (err) {
          if (err && err.name === 'AbortError') return; // the traveller closed the share sheet
        }
      }
      try {
        await navigator.clipboard.writeText(url);
        shared('Link copied');
      } catch {
        // No clipboard (an insecure page, a refused permission): the link, selected, to copy.
        const box = h('input', { type: 'text', readonly: true, value: url, class: 'share-fallback', 'aria-label': 'Link to this ticket' });
        actions.querySelector('.share-fallback')?.remove();
        actions.append(box);
        box.select();
        shareStatus.replaceChildren('Copy the link shown.');
      }
    });
    actions.append(pdfButton, printButton, shareButton, shareStatus);
    if (!cancelled && !isPast(t.trip)) actions.append(cancelButton);
    actions.append(h('a', { class: 'button button--secondary', href: '#/tickets' }, 'All my tickets'));
    if (!cancelled) actions.append(h('a', { class: 'button button--ghost', href: `#/trip/${t.trip.id}` }, 'View seat map'));

    const title = pageTitle(cancelled ? 'Cancelled ticket' : 'Your ticket');
    let bus = t.trip.bus_name ? t.trip : null;
    if (!bus) {
      try { bus = JSON.parse(sessionStorage.getItem(`seatd.trip.${t.trip.id}`) || 'null'); } catch { /* none */ }
    }
    const row = (label, value) => h('div', { class: 'ticket__row' }, h('dt', {}, label), h('dd', {}, value));
    main.append(title,
      h('article', { class: ['ticket', cancelled && 'ticket--cancelled'], 'aria-labelledby': 'ticket-number', 'data-testid': 'ticket' },
        h('header', { class: 'ticket__head' },
          h('div', {},
            h('p', { class: 'ticket__label' }, 'Booking number'),
            h('p', { id: 'ticket-number', class: 'ticket__number' }, t.booking_number)),
          statusBadge(t.status)),
        h('div', { class: 'ticket__route' },
          h('div', { class: 'ticket__stop' },
            h('span', { class: 'ticket__time' }, fmt.time(t.trip.departure_time)),
            h('span', { class: 'ticket__city' }, t.trip.source),
            h('span', { class: 'ticket__date' }, fmt.shortDate(t.trip.departure_time))),
          h('div', { class: 'ticket__line', 'aria-hidden': 'true' }, icon('bus'),
            h('span', {}, fmt.duration(t.trip.departure_time, t.trip.arrival_time))),
          h('div', { class: 'ticket__stop ticket__stop--end' },
            h('span', { class: 'ticket__time' }, fmt.time(t.trip.arrival_time)),
            h('span', { class: 'ticket__city' }, t.trip.destination),
            h('span', { class: 'ticket__date' }, fmt.shortDate(t.trip.arrival_time)))),
        h('dl', { class: 'ticket__details' },
          row(seats.length > 1 ? 'Seats' : 'Seat', h('span', { class: 'ticket__seats', 'data-testid': 'ticket-seats' }, fmt.seatList(seats))),
          row('Booked by', (t.user_details && t.user_details.name) || '—'),
          row('Phone', (t.user_details && t.user_details.phone) || '—'),
          row('Fare', `${fmt.plural(seats.length, 'seat')} × ${fmt.money(t.trip.price)} = ${fmt.money(seats.length * t.trip.price)}`),
          row('Departure', fmt.dateTime(t.trip.departure_time)),
          bus && bus.bus_name ? row('Bus', `${bus.bus_name}${bus.bus_type ? ` · ${bus.bus_type}` : ''}`) : null,
          row('Booked on', fmt.dateTime(t.created_at))),
        h('section', { class: 'ticket__passengers', 'aria-labelledby': 'passengers-title' },
          h('h2', { id: 'passengers-title', class: 'ticket__subtitle' }, seats.length > 1 ? 'Passengers' : 'Passenger'),
          passengerList(t)),
        seatCount > 0 ? h('section', { class: 'ticket__map', 'aria-labelledby': 'ticket-map-title' },
          h('h2', { id: 'ticket-map-title', class: 'ticket__subtitle sr-only' }, 'Where you sit'),
          miniCoach(seatCount, seats),
          h('p', { class: 'ticket__map-caption' }, `${seats.length > 1 ? 'Seats' : 'Seat'} ${fmt.seatList(seats)}${cancelled ? ' (released)' : ', highlighted'}. The front of the bus is at the top; window seats have a blue edge.`)) : null,
        cancelled ? h('p', { class: 'notice' }, 'This booking is cancelled. Its seats have been released.') : null),
      error, actions, confirmBox);
  };
  render();
}
