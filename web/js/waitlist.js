// The waiting list of a sold-out trip (issue 16) on the trip page: join with the number of
// seats wanted (POST /trips/{id}/waitlist), the place in line, leave (DELETE), and the offer.
// An offer is seats held for the traveller (ordinary holds, as long as a hold lasts): the seat
// map already shows them as the traveller's and Book books them; this panel says so loudly
// (role=alert) and points to the form. The offer arrives live (WAITLIST_OFFER on the seat map's
// WebSocket, to viewers that sent AUTH) or is found by GET /trips/{id}/waitlist.
//
// GET answers 404 when the traveller is not on the list, which a browser logs as a failed
// request: the page asks only where an entry can be (fewer than MAX_WAIT seats free: joining
// is refused while the seats wanted are free), or after joining here.

import { h, icon } from './dom.js';
import { api, ApiError } from './api.js';
import { session } from './session.js';
import { busy } from './ui.js';
import { loginHref } from './nav.js';
import * as fmt from './format.js';

export const MAX_WAIT = 12; // seats one entry may wait for (the server's max_group_seats)
const POLL_MS = 20000; // the place in line, refreshed while waiting (no live message says it)
const SETTLE_MS = 800; // seat events of one change, gathered before asking for the place again
const RECHECK_MS = 1000; // after an offer's deadline, before asking how it ended

/** "14:05" on the page's clock for a deadline in server ms. */
function clockTime(serverMs, offset) {
  const d = new Date(serverMs - offset);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 *   tripId
 *   freeSeats()        seats nobody holds or booked, as the map shows them now
 *   wanted()           how many seats the traveller is choosing (the "together" count)
 *   clockOffset()      server clock minus the page's, ms
 *   closed()           true when seats cannot be chosen (departed)
 *   onOffer(offer)     {seat_nos, expires_at}: the page marks the seats as the traveller's holds
 *   onLeft(entry)      the entry as it was; an offer's seats were released
 *   goBook()           takes the traveller to the passenger details
 *   say(text, kind)    the page's status line
 *   changed()          the panel's visibility changed (the page's layout follows)
 */
export function waitlistPanel({ tripId, freeSeats, wanted, clockOffset, closed, onOffer, onLeft, goBook, say, changed }) {
  let entry = null; // the active entry: {count, status, position, offer}
  let asked = false; // GET answered for the current user (or joining did)
  let asking = null;
  let askedFor = null; // the user id the answer is about
  let ended = ''; // why the last entry ended here ("the offer ran out")
  let touched = false; // the count was changed by hand: the page stops suggesting one
  let settleTimer = null;
  let pollTimer = null;
  let recheckTimer = null;
  let primary = false;
  let changes = 0; // joins and leaves here: an answer to a GET sent before one is stale

  const countId = `waitlist-count-${tripId}`;
  const count = h('input', {
    id: countId, type: 'number', name: 'count', min: '1', max: String(MAX_WAIT), step: '1',
    value: '1', inputmode: 'numeric', required: true, class: 'waitlist__count',
  });
  count.addEventListener('input', () => { touched = true; });
  const joinButton = h('button', { type: 'submit', class: 'button button--small waitlist__join' }, 'Join the waiting list');
  const title = h('h2', { class: 'panel__title', id: `waitlist-title-${tripId}` }, 'Waiting list');
  const intro = h('p', { class: 'waitlist__intro' });
  const joinForm = h('form', { class: 'waitlist__form', novalidate: true, 'data-testid': 'waitlist-join' },
    h('label', { for: countId, class: 'waitlist__label' }, 'Seats wanted'), count, joinButton);
  const loginLink = h('a', { class: 'button button--small', href: loginHref(`#/trip/${tripId}`) }, 'Log in to join the waiting list');
  const place = h('p', { class: 'waitlist__place', 'data-testid': 'waitlist-place' });
  // The offer: a live region of its own, filled when an offer comes (an alert is read out at
  // once, wherever the focus is).
  const offerText = h('span', { class: 'waitlist__offer-text' });
  const bookNow = h('button', { type: 'button', class: 'button button--small', onclick: () => goBook() }, 'Book now');
  const offerBox = h('div', { class: 'waitlist__offer', hidden: true, 'data-testid': 'waitlist-offer' },
    icon('clock'), offerText, bookNow);
  const alertRegion = h('div', { role: 'alert', class: 'waitlist__alert' }, offerBox);
  const leaveButton = h('button', { type: 'button', class: 'button button--small button--secondary waitlist__leave' }, icon('cross'), 'Leave the waiting list');
  const endedNote = h('p', { class: 'waitlist__ended', 'data-testid': 'waitlist-ended', hidden: true });
  const element = h('section', { class: 'panel waitlist', 'aria-labelledby': title.id, 'data-testid': 'waitlist', hidden: true },
    title, alertRegion, endedNote, intro, place, joinForm, loginLink, leaveButton);

  const active = () => entry && (entry.status === 'waiting' || entry.status === 'offered');

  function setEntry(next) {
    const before = entry;
    entry = next && (next.status === 'waiting' || next.status === 'offered') ? next : null;
    if (entry && entry.status === 'offered' && entry.offer) {
      const fresh = !before || before.status !== 'offered' || String(before.offer?.seat_nos) !== String(entry.offer.seat_nos);
      onOffer(entry.offer);
      if (fresh) announceOffer();
    } else if (before && before.status === 'offered') {
      offerText.textContent = '';
    }
    clearInterval(pollTimer);
    if (!entry) clearTimeout(settleTimer);
    pollTimer = entry && entry.status === 'waiting' ? setInterval(() => refresh(), POLL_MS) : null;
    // An offer past its deadline is about to lapse on the server (its hold's expiry matches the
    // trip again): asked again shortly.
    clearTimeout(recheckTimer);
    const at = entry && entry.status === 'offered' && entry.offer ? entry.offer.expires_at : null;
    if (typeof at === 'number') {
      recheckTimer = setTimeout(() => { if (active()) refresh(); }, Math.max(0, at - (Date.now() + clockOffset())) + RECHECK_MS);
    }
    render();
  }

  function offerWords(offer) {
    const seats = offer.seat_nos || [];
    const which = seats.length > 1 ? `Seats ${fmt.seatList(seats)} are` : `Seat ${seats[0]} is`;
    const until = typeof offer.expires_at === 'number' ? ` until ${clockTime(offer.expires_at, clockOffset())}` : '';
    return `${which} held for you${until} — book ${seats.length > 1 ? 'them' : 'it'} now.`;
  }

  function announceOffer() {
    // Set anew so that assistive technology reads the alert again for a new offer.
    offerText.textContent = offerWords(entry.offer);
    say(offerWords(entry.offer), 'success');
  }

  /** GET the entry (404: not on the list). */
  async function refresh() {
    const user = session.user;
    if (!user) return;
    if (asking) return;
    const at = changes;
    asking = (async () => {
      try {
        const got = await api(`/trips/${tripId}/waitlist`);
        if (at === changes && session.user && session.user.id === user.id) {
          askedFor = user.id;
          asked = true;
          setEntry(got);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && at === changes && session.user && session.user.id === user.id) {
          askedFor = user.id;
          asked = true;
          if (entry && entry.status === 'offered') ended = 'Your offer ran out and the seats went to the next in line. You can join the waiting list again.';
          setEntry(null);
        }
        // Anything else: the panel shows what it knew; the next change asks again.
      } finally {
        asking = null;
      }
    })();
    await asking;
  }

  joinForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = Number(count.value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WAIT) {
      say(`Choose from 1 to ${MAX_WAIT} seats.`, 'error');
      count.focus();
      return;
    }
    await busy(joinButton, 'Joining…', async () => {
      try {
        const res = await api(`/trips/${tripId}/waitlist`, { method: 'POST', json: { count: n } });
        changes += 1;
        ended = '';
        asked = true;
        askedFor = session.user ? session.user.id : null;
        setEntry(res);
        if (entry && entry.status === 'waiting') say(`You are on the waiting list: number ${entry.position} in line.`, 'success');
      } catch (err) {
        say(err instanceof ApiError && err.status === 401 ? 'Your session ended. Please log in again to join the waiting list.' : err.message,
          err instanceof ApiError && err.status === 409 ? 'warn' : 'error');
      }
    });
    if (!active()) joinButton.focus();
    else leaveButton.focus();
  });

  leaveButton.addEventListener('click', async () => {
    await busy(leaveButton, 'Leaving…', async () => {
      try {
        const res = await api(`/trips/${tripId}/waitlist`, { method: 'DELETE' });
        changes += 1;
        const was = entry;
        ended = '';
        setEntry(null);
        onLeft(res || was || {});
        say(was && was.status === 'offered' ? 'You left the waiting list: the seats held for you were released.' : 'You left the waiting list.', 'info');
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) { setEntry(null); say('You were no longer on the waiting list.', 'info'); return; }
        say(err.message, 'error');
      }
    });
    if (!element.hidden && !joinForm.hidden) count.focus();
  });

  function render() {
    const user = session.user;
    if (user && askedFor !== null && askedFor !== user.id) { asked = false; entry = null; askedFor = null; }
    if (!user) { asked = false; entry = null; askedFor = null; clearInterval(pollTimer); }
    const free = freeSeats();
    const want = Math.max(1, Math.min(MAX_WAIT, wanted()));
    // Where an entry can be, ask once; a 404 then costs nothing more.
    if (user && !asked && !asking && !closed() && free < MAX_WAIT) refresh();

    const soldOut = free === 0;
    const short = free > 0 && free < want;
    const show = !closed() && (active() || Boolean(ended) || soldOut || (Boolean(user) && short));
    primary = show && (active() || soldOut);
    const offered = active() && entry.status === 'offered' && entry.offer;

    title.textContent = offered ? 'Seats held for you' : active() ? 'You are on the waiting list' : soldOut ? 'Sold out: join the waiting list' : 'Waiting list';
    offerBox.hidden = !offered;
    if (!offered && offerText.textContent) offerText.textContent = '';
    endedNote.hidden = !ended || Boolean(active());
    endedNote.textContent = ended;
    if (active()) {
      intro.textContent = offered
        ? 'They are on the map as yours: add the passengers and book before the hold ends. Leaving the waiting list releases them.'
        : 'When seats come free they are held for you, and this page (and an e-mail) tells you. Keep this page open to see it at once.';
      place.textContent = `You are number ${entry.position} in line for ${fmt.plural(entry.count, 'seat')}.`;
    } else if (soldOut) {
      intro.textContent = 'Every seat is sold or held. Join the waiting list: when seats come free, they are held for you in turn.';
    } else {
      intro.textContent = `Only ${fmt.plural(free, 'seat is', 'seats are')} free. Need more? Join the waiting list for the seats you need.`;
      if (!touched) count.value = String(Math.min(MAX_WAIT, Math.max(want, free + 1)));
    }
    if (soldOut && !touched && !active()) count.value = '1';
    place.hidden = !active() || Boolean(offered);
    joinForm.hidden = !user || Boolean(active());
    loginLink.hidden = Boolean(user);
    leaveButton.hidden = !active();
    element.classList.toggle('waitlist--offered', Boolean(offered));
    element.classList.toggle('waitlist--secondary', show && !primary);
    element.hidden = !show;
    changed();
  }

  return {
    element,
    render,
    /** The panel is the page's main business (sold out, or on the list). */
    get primary() { return primary && !element.hidden; },
    get entry() { return entry; },
    /** WAITLIST_OFFER from the live feed: the entry is offered these seats. */
    offer(msg) {
      const base = entry || { trip_id: tripId, count: msg.seat_nos.length, position: 1 };
      changes += 1;
      ended = '';
      asked = true;
      askedFor = session.user ? session.user.id : null;
      setEntry({ ...base, status: 'offered', offer: { seat_nos: msg.seat_nos, expires_at: msg.expires_at } });
    },
    /** Seats changed on the map: the place in line, or the offer, may have moved. */
    seatsChanged() {
      if (!active()) return;
      clearTimeout(settleTimer);
      settleTimer = setTimeout(() => { if (active()) refresh(); }, SETTLE_MS);
    },
    /** The offer's seats are not the traveller's any more (ran out, or booked): ask again. */
    offerEnded() {
      if (active() && entry.status === 'offered') refresh();
    },
    /** The traveller booked: an offer is accepted, a plain booking leaves the place as it was. */
    refresh,
    /** Asks again after a reconnect (an offer may have come while the feed was away). */
    reconnected() {
      if (session.user && (active() || freeSeats() < MAX_WAIT)) refresh();
    },
    stop() {
      clearTimeout(settleTimer);
      clearTimeout(recheckTimer);
      clearInterval(pollTimer);
    },
  };
}
