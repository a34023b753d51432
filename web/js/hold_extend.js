// "Extend" at checkout (issue 16): POST /bookings/holds/{trip}/extend moves every hold of the
// traveller on the trip to now + the hold time, but never past first take + the maximum
// lifetime (SEATD_HOLD_MAX_LIFETIME_SECONDS). At that cap the server still answers 200, with
// deadlines that did not move, or moved only up to the cap (api/group_holds_api.cpp): no
// field says "capped", so the page compares the answer with a whole hold time from now (as
// long as a fresh hold lasts, learned from the takes) and, short of it, says so and disables
// the button until new seats are taken. Without that length (holds found on reload) only a
// deadline that did not move at all tells.

import { h, icon } from './dom.js';
import { api, ApiError } from './api.js';
import { busy } from './ui.js';

// How far short of a whole hold time an extended deadline may fall and still be a whole
// one: the request's round trip and the two clocks' offset (a tenth of the hold, at least a
// second).
const SLACK = 0.1;
const MIN_SLACK_MS = 1000;

/**
 *   earliest()        the earliest deadline of my holds now (server ms), or Infinity
 *   holdSpan()        how long a fresh hold lasts (learned from the takes), or 0 when unknown
 *   serverNow()       the server's clock
 *   onExtended(answer)  the 200's {seat_nos, expires_at, holds}: the page moves the countdown
 *   say(text, kind)
 */
export function extendButton({ tripId, earliest, holdSpan, serverNow, onExtended, say }) {
  const note = h('p', { class: 'hold-extend__note', 'data-testid': 'extend-note', hidden: true });
  const button = h('button', { type: 'button', class: 'button button--small button--secondary hold-extend__go', 'data-testid': 'extend-hold' }, icon('clock'), 'Extend');
  const element = h('div', { class: 'hold-extend' }, button, note);
  let capped = false;

  function setCapped(message) {
    capped = true;
    note.textContent = message;
    note.hidden = false;
    button.disabled = true;
    button.setAttribute('aria-describedby', note.id = `extend-note-${tripId}`);
  }

  button.addEventListener('click', async () => {
    if (capped) return;
    const before = earliest();
    await busy(button, 'Extending…', async () => {
      try {
        const res = await api(`/bookings/holds/${tripId}/extend`, { method: 'POST' });
        onExtended(res);
        const after = typeof res.expires_at === 'number' ? res.expires_at : before;
        const span = holdSpan();
        if (!(after > before)) {
          setCapped('Your seats are held for the longest time allowed: they cannot be extended again. Book before the countdown ends.');
          say('Your hold cannot be extended any further.', 'warn');
        } else if (span > 0 && after - serverNow() < span - Math.max(MIN_SLACK_MS, span * SLACK)) {
          setCapped('Extended up to the longest hold allowed: it cannot be extended again. Book before the countdown ends.');
          say('Your hold was extended as far as it can go.', 'warn');
        } else {
          say('Your hold was extended.', 'success');
        }
      } catch (err) {
        say(err instanceof ApiError && err.status === 404 ? 'You hold no seats on this trip any more.' : err.message, 'error');
      }
    });
    // busy() enables the button again when it is done: the cap keeps it disabled.
    if (capped) button.disabled = true;
  });

  return {
    element,
    /** New holds have their own lifetime: the button works again. */
    reset() {
      capped = false;
      note.hidden = true;
      note.textContent = '';
      button.disabled = false;
      button.removeAttribute('aria-describedby');
    },
    get capped() { return capped; },
  };
}
