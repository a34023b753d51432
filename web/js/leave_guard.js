// Asks before a traveller leaves a page on which they hold seats, and releases the holds when
// they leave anyway:
//  - closing the tab, reloading or typing another address: the browser's own "Leave site?"
//    question (beforeunload), and on the way out (pagehide) one keepalive request per held
//    seat, which the browser completes after the page is gone;
//  - a link or Back inside the app: the hash router renders on `hashchange` and on
//    `seatd:navigate`. A capturing listener on window runs before the router's (capture
//    listeners at the target come first), stops the event, puts the address back and asks in
//    a modal <dialog>. "Leave" releases the seats and then goes where the traveller wanted.

import { h } from './dom.js';
import { tokenStore } from './api.js';
import { seatList } from './format.js';

/**
 * guardLeaving({held: () => [seat numbers], release: async (seats) => void,
 *               unlockPath: (seat) => '/bookings/unlock-seat/..'}) -> stop()
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
    const seats = held();
    const token = tokenStore.get();
    if (!seats.length || !token) return;
    for (const n of seats) {
      try {
        fetch(unlockPath(n), { method: 'POST', keepalive: true, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } })
          .catch(() => {});
      } catch { /* the browser refused: the hold lapses by itself */ }
    }
  };

  const onNavigate = (ev) => {
    if (leaving) return;
    const seats = held();
    if (!seats.length) return;
    const target = location.href;
    if (target === home && ev.type === 'hashchange') return;
    ev.stopImmediatePropagation();
    if (target !== home) history.replaceState(history.state, '', home);
    ask(seats, target);
  };

  function ask(seats, target) {
    if (dialog) return;
    const list = seats.length > 1 ? `seats ${seatList(seats)}` : `seat ${seats[0]}`;
    const stay = h('button', { type: 'button', class: 'button', autofocus: true }, 'Stay and book');
    const go = h('button', { type: 'button', class: 'button button--danger-outline' }, `Leave and release ${seats.length > 1 ? 'seats' : 'seat'}`);
    const error = h('p', { class: 'leave-dialog__error', role: 'alert', hidden: true });
    dialog = h('dialog', { class: 'leave-dialog', 'aria-labelledby': 'leave-title', 'aria-describedby': 'leave-text', 'data-testid': 'leave-dialog' },
      h('h2', { id: 'leave-title', class: 'leave-dialog__title' }, 'Leave this page?'),
      h('p', { id: 'leave-text' }, `You hold ${list}. If you leave now, ${seats.length > 1 ? 'they are' : 'it is'} released for other travellers.`),
      error,
      h('div', { class: 'leave-dialog__buttons' }, stay, go));
    const close = () => {
      if (!dialog) return;
      const d = dialog;
      dialog = null;
      if (d.open) d.close();
      d.remove();
    };
    stay.addEventListener('click', close);
    dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); close(); });
    go.addEventListener('click', async () => {
      go.disabled = true;
      stay.disabled = true;
      go.textContent = 'Releasing…';
      try {
        await release(held());
      } catch {
        // The holds lapse by themselves within minutes: leaving must not be blocked.
      }
      leaving = true;
      close();
      go.disabled = false;
      const hash = new URL(target).hash || '#/';
      if (location.hash === hash) window.dispatchEvent(new Event('seatd:navigate'));
      else location.hash = hash;
    });
    document.body.append(dialog);
    dialog.showModal();
    stay.focus();
  }

  window.addEventListener('beforeunload', onBeforeUnload);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('hashchange', onNavigate, { capture: true });
  window.addEventListener('seatd:navigate', onNavigate, { capture: true });

  return {
    /** Lets the next navigation through without asking (after booking, for instance). */
    allow() { leaving = true; },
    stop() {
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('hashchange', onNavigate, { capture: true });
      window.removeEventListener('seatd:navigate', onNavigate, { capture: true });
      if (dialog) { dialog.remove(); dialog = null; }
    },
  };
}
