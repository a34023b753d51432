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

const LABELS = {
  free: 'free',
  mine: 'held by you',
  taken: 'held by someone else',
  sold: 'sold',
};

const ICON_FOR = { mine: 'check', taken: 'lock', sold: 'cross' };

/**
 * Builds the coach. onSeat(n) is called when a seat is activated (click, Enter, Space).
 * Returns {element, buttons: Map<n, button>, update(n, view)}.
 */
export function buildCoach(total, onSeat) {
  const layout = coachLayout(total);
  const buttons = new Map();

  const seatButton = (cell, y) => {
    const b = h('button', {
      type: 'button',
      class: 'seat seat--free',
      tabindex: cell.seat === 1 ? '0' : '-1',
      'data-seat': cell.seat,
      'data-x': cell.x,
      'data-y': y,
      'aria-label': `Seat ${cell.seat}, free`,
    },
    h('span', { class: 'seat__no', 'aria-hidden': 'true' }, String(cell.seat)),
    h('span', { class: 'seat__mark', 'aria-hidden': 'true' }));
    b.addEventListener('click', () => onSeat(cell.seat));
    buttons.set(cell.seat, b);
    return b;
  };

  const rowEls = layout.rows.map((row, y) => {
    const cells = [];
    for (const cell of row) {
      if (cell.door) {
        cells.push(h('div', { class: 'coach__door coach__door--middle', 'aria-hidden': 'true' }, icon('door'), h('span', {}, 'Door')));
      } else {
        cells.push(h('div', { class: `coach__cell coach__cell--x${cell.x}` }, seatButton(cell, y)));
      }
    }
    return h('div', { class: 'coach__row' }, cells);
  });
  const backY = layout.rows.length;
  const backEl = layout.back.length
    ? h('div', { class: ['coach__back', `coach__back--${layout.back.length}`] },
      layout.back.map((cell) => h('div', { class: 'coach__cell' }, seatButton(cell, backY))))
    : null;

  const seatsEl = h('div', {
    class: 'coach__seats', role: 'group',
    'aria-label': `${total} seats, front of the bus first. Arrow keys move between seats; Enter or Space selects.`,
  }, rowEls, backEl);

  seatsEl.addEventListener('keydown', (ev) => {
    const from = ev.target.closest('.seat');
    if (!from) return;
    const n = Number(from.dataset.seat);
    let to = null;
    if (ev.key === 'ArrowRight') to = n + 1;
    else if (ev.key === 'ArrowLeft') to = n - 1;
    else if (ev.key === 'Home') to = 1;
    else if (ev.key === 'End') to = total;
    else if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
      const y = Number(from.dataset.y) + (ev.key === 'ArrowUp' ? -1 : 1);
      const x = Number(from.dataset.x);
      let best = null;
      for (const b of buttons.values()) {
        if (Number(b.dataset.y) !== y) continue;
        const d = Math.abs(Number(b.dataset.x) - x);
        if (!best || d < best.d) best = { d, n: Number(b.dataset.seat) };
      }
      to = best ? best.n : null;
    } else {
      return;
    }
    ev.preventDefault();
    if (to && buttons.has(to)) focusSeat(to);
  });

  function focusSeat(n) {
    for (const [k, b] of buttons) b.tabIndex = k === n ? 0 : -1;
    buttons.get(n).focus();
  }

  const element = h('div', { class: 'coach' },
    h('div', { class: 'coach__front' },
      h('div', { class: 'coach__door', 'aria-hidden': 'true' }, icon('door'), h('span', {}, 'Door')),
      h('div', { class: 'coach__driver', 'aria-hidden': 'true' }, icon('steering'), h('span', {}, 'Driver'))),
    h('p', { class: 'sr-only' }, 'Front of the bus: the door is on the left, the driver on the right.'),
    seatsEl,
    h('div', { class: 'coach__rear', 'aria-hidden': 'true' }, 'Rear'));

  /** view: 'free' | 'mine' | 'taken' | 'sold'; pending: a request for this seat is in flight. */
  function update(n, view, pending) {
    const b = buttons.get(n);
    if (!b) return;
    const key = `${view}|${pending ? 1 : 0}`;
    if (b.dataset.key === key) return;
    b.dataset.key = key;
    b.className = `seat seat--${view}${pending ? ' is-pending' : ''}`;
    b.dataset.state = view;
    b.setAttribute('aria-label', `Seat ${n}, ${LABELS[view]}`);
    b.title = `Seat ${n}: ${LABELS[view]}`;
    if (view === 'taken' || view === 'sold') b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
    if (pending) b.setAttribute('aria-busy', 'true');
    else b.removeAttribute('aria-busy');
    const mark = b.querySelector('.seat__mark');
    mark.replaceChildren(ICON_FOR[view] ? icon(ICON_FOR[view]) : '');
  }

  return { element, buttons, update };
}

/** The legend, with the same marks as the seats. */
export function legend() {
  const item = (view, text) => h('li', { class: 'legend__item' },
    h('span', { class: `seat seat--${view} seat--sample`, 'aria-hidden': 'true' },
      h('span', { class: 'seat__mark' }, ICON_FOR[view] ? icon(ICON_FOR[view]) : '')),
    h('span', {}, text));
  return h('ul', { class: 'legend', 'aria-label': 'Seat states' },
    item('free', 'Free'), item('mine', 'Held by you'), item('taken', 'Held by someone else'), item('sold', 'Sold'));
}
