// "Pick N seats together" (issue 16): the server chooses the seats (POST /bookings/holds
// {trip_id, count, together: true}, domain/seat_picker's rule), because only it sees every
// hold at the moment of choosing; the page would pick from a map that may be a moment old.
// When no N seats together are free the 409 offers the best split, which the traveller takes
// as named seats (the same route with seat_nos, all or nothing) or declines.

import { h, icon } from './dom.js';
import { api, ApiError } from './api.js';
import { busy } from './ui.js';
import * as fmt from './format.js';

export const MAX_TOGETHER = 6; // the per-trip hold limit: more could never be held at once

/** "seats 5 and 6 together and seat 12" for a split [[5, 6], [12]]. */
export function describeSplit(split) {
  const parts = split.map((part) => (part.length > 1 ? `seats ${fmt.seatList(part)} together` : `seat ${part[0]}`));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts.join('');
}

/**
 * The control and its split offer.
 *   room()             how many more seats the traveller may hold now
 *   onHeld(answer)     the 200's {seat_nos, expires_at, holds}: the page marks them as mine
 *   say(text, kind, seat)  the page's feedback line
 */
export function groupPicker({ tripId, room, onHeld, say }) {
  const countId = `together-count-${tripId}`;
  const count = h('input', {
    id: countId, type: 'number', name: 'count', min: '1', max: String(MAX_TOGETHER), step: '1',
    value: '2', inputmode: 'numeric', required: true, class: 'group-pick__count',
  });
  const label = () => {
    const n = Number(count.value);
    return Number.isInteger(n) && n >= 1 && n <= MAX_TOGETHER ? `Pick ${n} seats together` : 'Pick seats together';
  };
  const pickButton = h('button', { type: 'submit', class: 'button button--small group-pick__go' }, label());
  count.addEventListener('input', () => { if (!pickButton.disabled) pickButton.textContent = label(); });

  const offerText = h('p', { class: 'group-offer__text', id: `group-offer-${tripId}` });
  let offered = null; // the split's seats, flat, while the offer stands
  const takeButton = h('button', { type: 'button', class: 'button button--small' }, 'Take these seats');
  const cancelButton = h('button', { type: 'button', class: 'button button--small button--secondary' }, 'Cancel');
  const offer = h('div', { class: 'group-offer', role: 'group', 'aria-labelledby': offerText.id, 'data-testid': 'group-offer', hidden: true },
    offerText, h('p', { class: 'group-offer__actions' }, takeButton, cancelButton));

  const form = h('form', { class: 'group-pick', novalidate: true, 'data-testid': 'group-pick' },
    h('label', { for: countId, class: 'group-pick__label' }, 'Seats together'), count, pickButton);
  const element = h('div', { class: 'group-pick__wrap' }, form, offer);

  function closeOffer() {
    offered = null;
    offer.hidden = true;
    offerText.textContent = '';
  }

  function refused(err) {
    if (err instanceof ApiError && err.status === 401) return 'Your session ended. Please log in again to choose seats.';
    return err.message;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = Number(count.value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_TOGETHER) {
      say(`Choose from 1 to ${MAX_TOGETHER} seats.`, 'error');
      count.focus();
      return;
    }
    if (n > room()) {
      say(`You can hold ${room()} more ${room() === 1 ? 'seat' : 'seats'} on this trip: release some to pick ${n} together.`, 'warn');
      return;
    }
    closeOffer();
    await busy(pickButton, 'Picking…', async () => {
      try {
        const res = await api('/bookings/holds', { method: 'POST', json: { trip_id: tripId, count: n, together: true } });
        onHeld(res);
        say(`Seats ${fmt.seatList(res.seat_nos)} are yours for now, together. Book to keep them.`, 'success', res.seat_nos[0]);
      } catch (err) {
        const split = err instanceof ApiError && err.status === 409 && err.body && Array.isArray(err.body.split) ? err.body.split : null;
        if (split && split.length) {
          offered = split.flat();
          offerText.textContent = `No ${n} seats together are free. You can have ${describeSplit(split)}.`;
          offer.hidden = false;
          takeButton.focus();
        } else if (split) {
          say(`Not ${n} free seats are left on this trip.`, 'error');
        } else {
          say(refused(err), 'error');
        }
      }
    });
    pickButton.textContent = label();
  });

  takeButton.addEventListener('click', async () => {
    if (!offered) return;
    const seats = offered;
    await busy(takeButton, 'Taking…', async () => {
      try {
        const res = await api('/bookings/holds', { method: 'POST', json: { trip_id: tripId, seat_nos: seats } });
        closeOffer();
        onHeld(res);
        say(`Seats ${fmt.seatList(res.seat_nos)} are yours for now. Book to keep them.`, 'success', res.seat_nos[0]);
      } catch (err) {
        // All or nothing: a seat of the offer went meanwhile; a new pick offers anew.
        closeOffer();
        say(err instanceof ApiError && err.status === 409
          ? 'One of those seats was just taken by someone else. Pick again for a new offer.'
          : refused(err), 'error');
      }
    });
  });
  cancelButton.addEventListener('click', () => { closeOffer(); pickButton.focus(); });

  return {
    element,
    /** How many seats the traveller is choosing now (the waiting list suggests as many). */
    wanted() {
      const n = Number(count.value);
      return Number.isInteger(n) && n >= 1 ? n : 1;
    },
    /** Hidden when seats cannot be chosen (logged out, departed). */
    show(visible) { element.hidden = !visible; if (!visible) closeOffer(); },
  };
}

/**
 * "Release all": DELETE /bookings/holds/{trip} frees every seat the traveller holds on the
 * trip in one request. onReleased(seat_nos) gets the seats the server let go.
 */
export function releaseAllButton({ tripId, onReleased, say }) {
  const button = h('button', { type: 'button', class: 'button button--ghost button--small holds__release-all' }, icon('cross'), 'Release all');
  button.addEventListener('click', async () => {
    await busy(button, 'Releasing…', async () => {
      try {
        const res = await api(`/bookings/holds/${tripId}`, { method: 'DELETE' });
        const freed = res && Array.isArray(res.seat_nos) ? res.seat_nos : [];
        onReleased(freed);
        say(freed.length ? `Released ${freed.length > 1 ? 'seats' : 'seat'} ${fmt.seatList(freed)}.` : 'You held no seats any more.', 'info', freed.length ? freed[0] : null);
      } catch (err) {
        say(err.message, 'error');
      }
    });
  });
  return button;
}
