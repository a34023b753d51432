// Asks before a traveller leaves a page on which they hold seats, and releases the holds when
// they leave anyway:
//  - closing the tab, reloading or typing another address: the browser's own "Leave site?"
//    question (beforeunload), and on the way out (pagehide) one keepalive request per held
//    seat, which the browser completes after the page is gone;
//  - a link or Back inside the app: the hash router asks the page's leave guard (nav.js)
//    before it renders another page. The guard puts the address back, asks in a modal
//    <dialog>, and on "Leave" releases the seats and lets the router go on.

import { h } from './dom.js';
import { tokenStore } from './api.js';
import { setLeaveGuard } from './nav.js';
import { seatList } from './format.js';

/**
 * guardLeaving({held: () => [seat numbers], release: async (seats) => void,
 *               unlockPath: (seat) => '/bookings/unlock-seat/..'}) -> {allow(), stop()}
 */
export function guardLeaving({ held, release, unlockPath }) {
  const home = location.href;
  let leaving = false;
  let dialog = null;

  const onBeforeUnload = (ev) => {
    if (leaving || !held().length) return;
    ev.preventDefault();
    ev.returnValue = ''; // older browsers need a value to ask
  };

  // The page is going away (or into the back-forward cache): release what is still held. A
  // keepalive fetch outlives the page and, unlike sendBeacon, carries the bearer header.
  const onPageHide = () => {
    const seats = leaving ? [] : held();
    const token = tokenStore.get();
    if (!seats.length || !token) return;
    for (const n of seats) {
      try {
        fetch(unlockPath(n), { method: 'POST', keepalive: true, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
          .catch(() => {});
      } catch { /* the browser refused: the hold lapses by itself */ }
    }
  };

  /** The router's question: may it leave for `target`? */
  const mayLeave = (target) => {
    if (leaving) return true;
    if (dialog) { // already asking: this navigation waits for that answer
      if (target !== home) history.replaceState(history.state, '', home);
      return false;
    }
    const seats = held();
    if (!seats.length || target === home) return true;
    // The address has already changed (a link, Back): it shows this page while asking.
    history.replaceState(history.state, '', home);
    return ask(seats).then(async (leave) => {
      if (!leave) return false;
      try {
        await release(held());
      } catch {
        // The holds lapse by themselves within minutes: leaving must not be blocked.
      }
      leaving = true;
      history.replaceState(history.state, '', target);
      return true;
    });
  };

  /** Resolves true (leave) or false (stay). */
  function ask(seats) {
    return new Promise((resolve) => {
      const list = seats.length > 1 ? `seats ${seatList(seats)}` : `seat ${seats[0]}`;
      const stay = h('button', { type: 'button', class: 'button' }, 'Stay and book');
      const go = h('button', { type: 'button', class: 'button button--danger-outline' }, `Leave and release ${seats.length > 1 ? 'seats' : 'seat'}`);
      dialog = h('dialog', { class: 'leave-dialog', 'aria-labelledby': 'leave-title', 'aria-describedby': 'leave-text', 'data-testid': 'leave-dialog' },
        h('h2', { id: 'leave-title', class: 'leave-dialog__title' }, 'Leave this page?'),
        h('p', { id: 'leave-text' }, `You hold ${list}. If you leave now, ${seats.length > 1 ? 'they are' : 'it is'} released for other travellers.`),
        h('div', { class: 'leave-dialog__buttons' }, stay, go));
      const answer = (leave) => {
        const d = dialog;
        dialog = null;
        if (d) {
          if (d.open) d.close();
          d.remove();
        }
        resolve(leave);
      };
      stay.addEventListener('click', () => answer(false));
      dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); answer(false); }); // Escape
      go.addEventListener('click', () => {
        go.disabled = true;
        stay.disabled = true;
        go.textContent = 'Releasing…';
        answer(true);
      });
      document.body.append(dialog);
      dialog.showModal();
      stay.focus();
    });
  }

  window.addEventListener('beforeunload', onBeforeUnload);
  window.addEventListener('pagehide', onPageHide);
  const unregister = setLeaveGuard(mayLeave);

  return {
    /** Lets the next navigation through without asking (after booking, for instance). */
    allow() { leaving = true; },
    stop() {
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('pagehide', onPageHide);
      unregister();
      if (dialog) { dialog.remove(); dialog = null; }
    },
  };
}
