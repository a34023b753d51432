// The coach: a 40-seat bus drawn as the traveller would see it from above, front at the top.
//
//   [door]            [driver]
//    1  2   aisle   3  4
//    5  6           7  8
//    9 10          11 12
//   13 14          15 16
//   [middle door]  17 18
//   19 20          21 22
//   ...
//   31 32          33 34
//   35 36 37 38 39 40        back row of six
//
// Other seat counts get rows of 2 + aisle + 2 and a back row of whatever remains (up to 6).
// Columns: x 0 and 4 are the windows, 1 and 3 the aisle; the back row spreads its seats from
// x 0 to x 4, so the arrow keys can follow a column into it.

import { h, icon } from './dom.js';

/** Rows of cells ({seat, x} or {door: true}) and the back row, for `total` seats. */
export function coachLayout(total) {
  const rows = [];
  let n = 1;
  const withMiddleDoor = total === 40;
  let back = total >= 6 && (total - 6) % 4 === 0 ? 6 : total % 4;
  if (withMiddleDoor) back = 6;
  let frontSeats = total - back;
  let rowIndex = 0;
  while (frontSeats > 0) {
    if (withMiddleDoor && rowIndex === 4) {
      rows.push([{ door: true }, { seat: n++, x: 3 }, { seat: n++, x: 4 }]);
      frontSeats -= 2;
    } else {
      const row = [];
      for (const x of [0, 1, 3, 4]) {
        if (frontSeats > 0) {
          row.push({ seat: n++, x });
          frontSeats -= 1;
        }
      }
      rows.push(row);
    }
    rowIndex += 1;
  }
  const backRow = [];
  for (let i = 0; i < back && n <= total; i += 1) backRow.push({ seat: n++, x: back > 1 ? (i * 4) / (back - 1) : 2 });
  return { rows, back: backRow };
}

/** Where a seat sits: 'window' (x 0 or 4), 'aisle' (next to the aisle, or at its end in the
 *  back row) or 'middle' (the back row's seats between those). */
export function seatPlace(x) {
  if (x === 0 || x === 4) return 'window';
  return Math.abs(x - 2) < 1 || x === 1 || x === 3 ? 'aisle' : 'middle';
}

/** Seat number -> {x, y, place} and the rows of seats (for the arrow keys), of a layout. */
export function seatGrid(layout) {
  const rows = layout.rows.map((row) => row.filter((c) => !c.door));
  if (layout.back.length) rows.push(layout.back);
  const where = new Map();
  rows.forEach((row, y) => row.forEach((c) => where.set(c.seat, { x: c.x, y, place: seatPlace(c.x) })));
  return { rows, where };
}

/**
 * The seat the arrow keys lead to from seat n, following the coach's rows and columns:
 * Left/Right stay in the row (across the aisle too); Up/Down go to the nearest row in that
 * direction with a seat in the same column (the middle door's row has none on the left:
 * Down from 13 is 19, not 17 across the aisle). Home/End: the row's ends; with Ctrl, the
 * coach's. null where there is nowhere to go.
 */
export function seatFrom(grid, n, key, ctrl = false) {
  const at = grid.where.get(n);
  if (!at) return null;
  const row = grid.rows[at.y];
  const i = row.findIndex((c) => c.seat === n);
  switch (key) {
    case 'ArrowLeft': return i > 0 ? row[i - 1].seat : null;
    case 'ArrowRight': return i < row.length - 1 ? row[i + 1].seat : null;
    case 'Home': return ctrl ? grid.rows[0][0].seat : row[0].seat;
    case 'End': {
      const last = grid.rows[grid.rows.length - 1];
      return ctrl ? last[last.length - 1].seat : row[row.length - 1].seat;
    }
    case 'ArrowUp':
    case 'ArrowDown': {
      const step = key === 'ArrowUp' ? -1 : 1;
      for (let y = at.y + step; y >= 0 && y < grid.rows.length; y += step) {
        let best = null;
        for (const c of grid.rows[y]) {
          const d = Math.abs(c.x - at.x);
          if (d < 1 && (!best || d < best.d)) best = { d, seat: c.seat };
        }
        if (best) return best.seat;
      }
      return null;
    }
    default: return null;
  }
}

const LABELS = {
  free: 'free',
  mine: 'held by you',
  taken: 'held by someone else',
  sold: 'sold',
  yours: 'booked by you',
};

const ICON_FOR = { mine: 'check', taken: 'lock', sold: 'cross', yours: 'ticket' };

/** "Seat 1, window, free"; under the ladies' seat rule "Seat 6 for women, window, free" (the
 *  words the seat shows, "6" and "for women", in the order they are seen: the name contains
 *  the visible text, as speech input and WCAG 2.5.3 need). */
export function seatLabel(n, place, view, forWomen = false) {
  return `Seat ${n}${forWomen && view === 'free' ? ' for women' : ''}, ${place}, ${LABELS[view] || view}`;
}

/**
 * Builds the coach. onSeat(n) is called when a seat is activated (click, Enter, Space).
 * Returns {element, buttons: Map<n, button>, grid, update(n, view, pending), tip(n, message,
 * kind), closed(bool)}.
 */
export function buildCoach(total, onSeat) {
  const layout = coachLayout(total);
  const grid = seatGrid(layout);
  const buttons = new Map();

  const seatButton = (cell, y) => {
    const place = seatPlace(cell.x);
    const b = h('button', {
      type: 'button',
      class: `seat seat--free seat--${place}`,
      tabindex: cell.seat === 1 ? '0' : '-1',
      'data-seat': cell.seat,
      'data-x': cell.x,
      'data-y': y,
      'data-place': place,
      'aria-label': seatLabel(cell.seat, place, 'free'),
    },
    h('span', { class: 'seat__no', 'aria-hidden': 'true' }, String(cell.seat)),
    h('span', { class: 'seat__mark', 'aria-hidden': 'true' }));
    b.addEventListener('click', () => onSeat(cell.seat));
    buttons.set(cell.seat, b);
    return b;
  };

  let y = 0;
  const rowEls = layout.rows.map((row) => {
    const cells = [];
    const hasSeat = row.some((c) => !c.door);
    for (const cell of row) {
      if (cell.door) {
        cells.push(h('div', { class: 'coach__door coach__door--middle', 'aria-hidden': 'true' }, icon('door'), h('span', {}, 'Door')));
      } else {
        cells.push(h('div', { class: `coach__cell coach__cell--x${cell.x}` }, seatButton(cell, y)));
      }
    }
    if (hasSeat) y += 1;
    return h('div', { class: 'coach__row' }, cells);
  });
  const backEl = layout.back.length
    ? h('div', { class: ['coach__back', `coach__back--${layout.back.length}`] },
      layout.back.map((cell) => h('div', { class: 'coach__cell' }, seatButton(cell, y))))
    : null;

  const seatsEl = h('div', {
    class: 'coach__seats', role: 'group',
    'aria-label': `${total} seats, front of the bus first, two on each side of the aisle. Arrow keys move along the rows and columns; Enter or Space selects.`,
  }, rowEls, backEl);

  seatsEl.addEventListener('keydown', (ev) => {
    const from = ev.target.closest('.seat');
    if (!from) return;
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(ev.key)) {
      if (ev.key === 'Escape') hideTip();
      return;
    }
    ev.preventDefault();
    const to = seatFrom(grid, Number(from.dataset.seat), ev.key, ev.ctrlKey || ev.metaKey);
    if (to && buttons.has(to)) focusSeat(to);
  });

  function focusSeat(n) {
    for (const [k, b] of buttons) b.tabIndex = k === n ? 0 : -1;
    buttons.get(n).focus();
  }

  // A bubble beside the seat just tapped: the answer appears where the eye is. It repeats the
  // page's status line (which screen readers hear), so it is hidden from them.
  const tipText = h('span', { class: 'seat-tip__text' });
  const tipEl = h('div', { class: 'seat-tip', 'aria-hidden': 'true', hidden: true }, tipText);
  let tipTimer = null;

  const element = h('div', { class: 'coach' },
    h('div', { class: 'coach__front' },
      h('div', { class: 'coach__door', 'aria-hidden': 'true' }, icon('door'), h('span', {}, 'Door')),
      h('div', { class: 'coach__driver', 'aria-hidden': 'true' }, icon('steering'), h('span', {}, 'Driver'))),
    h('p', { class: 'sr-only' }, 'Front of the bus: the door is on the left, the driver on the right.'),
    seatsEl,
    h('div', { class: 'coach__rear', 'aria-hidden': 'true' }, 'Rear'),
    tipEl);

  function hideTip() {
    clearTimeout(tipTimer);
    tipEl.hidden = true;
  }

  /** Shows `message` in a bubble beside seat n (above it, or below when there is no room on
   *  the screen above), for a few seconds. */
  function tip(n, message, kind = 'info') {
    const b = buttons.get(n);
    if (!b || !message) { hideTip(); return; }
    clearTimeout(tipTimer);
    tipText.replaceChildren(kind === 'error' || kind === 'warn' ? icon('alert') : '', message);
    tipEl.className = `seat-tip seat-tip--${kind}`;
    tipEl.hidden = false;
    const box = element.getBoundingClientRect();
    const s = b.getBoundingClientRect();
    const w = tipEl.offsetWidth;
    const hgt = tipEl.offsetHeight;
    const left = Math.max(4, Math.min(box.width - w - 4, s.left - box.left + s.width / 2 - w / 2));
    // Above the seat unless that would be off the top of the screen (or under a sticky bar).
    const above = s.top - hgt - 10 >= 64;
    const top = above ? s.top - box.top - hgt - 8 : s.bottom - box.top + 8;
    tipEl.style.left = `${Math.round(left)}px`;
    tipEl.style.top = `${Math.round(top)}px`;
    tipEl.classList.toggle('seat-tip--below', !above);
    tipEl.style.setProperty('--arrow', `${Math.round(s.left - box.left + s.width / 2 - left)}px`);
    tipTimer = setTimeout(hideTip, kind === 'error' || kind === 'warn' ? 6000 : 3500);
  }

  /** view: 'free' | 'mine' | 'taken' | 'sold' | 'yours'; pending: a request for this seat is
   *  in flight; forWomen: the ladies' seat rule keeps it for women (beside a seat sold to a
   *  woman), shown on a free seat as a "for women" marker and said in its label. */
  function update(n, view, pending, forWomen = false) {
    const b = buttons.get(n);
    if (!b) return;
    const women = forWomen && view === 'free';
    const key = `${view}|${pending ? 1 : 0}|${element.classList.contains('coach--closed') ? 1 : 0}|${women ? 1 : 0}`;
    if (b.dataset.key === key) return;
    b.dataset.key = key;
    const place = b.dataset.place;
    b.className = `seat seat--${view} seat--${place}${pending ? ' is-pending' : ''}${women ? ' seat--for-women' : ''}`;
    b.dataset.state = view;
    b.setAttribute('aria-label', seatLabel(n, place, view, women));
    b.title = `Seat ${n} (${place}): ${LABELS[view]}${women ? ', for women' : ''}`;
    let badge = b.querySelector('.seat__women');
    if (women && !badge) {
      // Visible words, not only a colour; the label above says it to screen readers.
      // The leading space keeps "6 for women" two words in the button's text.
      badge = h('span', { class: 'seat__women', 'aria-hidden': 'true', 'data-testid': 'for-women' }, ' for women');
      b.append(badge);
    } else if (!women && badge) {
      badge.remove();
    }
    if (view === 'taken' || view === 'sold' || view === 'yours' || element.classList.contains('coach--closed')) b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
    if (pending) b.setAttribute('aria-busy', 'true');
    else b.removeAttribute('aria-busy');
    const mark = b.querySelector('.seat__mark');
    mark.replaceChildren(ICON_FOR[view] ? icon(ICON_FOR[view]) : '');
  }

  /** A coach whose seats cannot be chosen any more (the bus has departed). */
  function closed(on) {
    element.classList.toggle('coach--closed', on);
    for (const b of buttons.values()) delete b.dataset.key;
  }

  return { element, buttons, grid, update, tip, hideTip, closed };
}

/** The legend, with the same marks as the seats; `withYours` adds "Booked by you". */
export function legend({ withYours = false } = {}) {
  const item = (view, text, extra = '') => h('li', { class: 'legend__item' },
    h('span', { class: `seat seat--${view} seat--sample ${extra}`, 'aria-hidden': 'true' },
      h('span', { class: 'seat__mark' }, ICON_FOR[view] ? icon(ICON_FOR[view]) : '')),
    h('span', {}, text));
  return h('ul', { class: 'legend', 'aria-label': 'Seat states' },
    item('free', 'Free'), item('mine', 'Held by you'), item('taken', 'Held by someone else'), item('sold', 'Sold'),
    withYours ? item('yours', 'Booked by you') : null,
    item('free', 'Window seat', 'seat--window'),
    h('li', { class: 'legend__item' },
      h('span', { class: 'seat__women seat__women--sample', 'aria-hidden': 'true' }, 'for women'),
      h('span', {}, 'Beside a woman: for women only')),
    h('li', { class: 'legend__item legend__item--aisle' },
      h('span', { class: 'legend__aisle', 'aria-hidden': 'true' }),
      h('span', {}, 'Aisle')));
}

/**
 * A small read-only coach for a ticket: `mine` (seat numbers) highlighted. One image for
 * assistive technology, described in words.
 */
export function miniCoach(total, mine) {
  const layout = coachLayout(total);
  const grid = seatGrid(layout);
  const own = new Set(mine);
  const cell = (c) => h('span', {
    class: ['mini-coach__seat', `mini-coach__seat--${seatPlace(c.x)}`, own.has(c.seat) && 'mini-coach__seat--yours', `mini-coach__x${String(c.x).replace('.', '_')}`],
  }, String(c.seat));
  const rows = layout.rows.map((row) => h('div', { class: 'mini-coach__row' },
    row.map((c) => (c.door ? h('span', { class: 'mini-coach__door' }, 'Door') : h('span', { class: `mini-coach__cell mini-coach__cell--x${c.x}` }, cell(c))))));
  const back = layout.back.length ? h('div', { class: ['mini-coach__back', `mini-coach__back--${layout.back.length}`] }, layout.back.map(cell)) : null;
  const described = [...own].sort((a, b) => a - b)
    .map((n) => (grid.where.has(n) ? `seat ${n} (${grid.where.get(n).place}, row ${grid.where.get(n).y + 1})` : `seat ${n}`));
  return h('div', {
    class: 'mini-coach', role: 'img', 'data-testid': 'ticket-seatmap',
    'aria-label': `Seat map of the bus, front at the top: your ${described.length > 1 ? 'seats are' : 'seat is'} ${described.join(', ')}.`,
  },
  h('div', { class: 'mini-coach__front' }, h('span', {}, 'Door'), h('span', {}, 'Driver')),
  rows, back);
}
