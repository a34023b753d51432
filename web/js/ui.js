// Page-level pieces shared by the views: toasts, the connection banner, page titles,
// form error boxes and loading/empty states.

import { h, icon, clear } from './dom.js';

// What a toast must never cover: the trip page's bottom bar (which also sets
// --bottom-bar-height on <body>; the stylesheet keeps toasts above it) and the ticket's
// actions (Cancel booking sits at the bottom of a phone's screen once scrolled). The
// stylesheet places the stack; this lifts it over whichever of these it would still overlap.
const KEEP_CLEAR = '.mobile-bar, .ticket__actions, .confirm, [data-toast-clear]';
const GAP = 8;

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function placeToasts() {
  const box = document.getElementById('toasts');
  box.style.removeProperty('--toast-lift');
  if (!box.childElementCount) return;
  let lift = 0;
  // Twice: lifted over one thing the stack may meet the next one above it.
  for (let round = 0; round < 2; round += 1) {
    const r = box.getBoundingClientRect();
    const stack = { left: r.left, right: r.right, top: r.top - lift, bottom: r.bottom - lift };
    let more = 0;
    for (const el of document.querySelectorAll(KEEP_CLEAR)) {
      const e = el.getBoundingClientRect();
      if (!e.width || !e.height || e.bottom <= 0 || e.top >= window.innerHeight) continue;
      if (overlaps(stack, e)) more = Math.max(more, stack.bottom - e.top + GAP);
    }
    if (!more) break;
    lift += more;
  }
  // Never pushed off the top of the screen: past that, covering is better than vanishing.
  lift = Math.min(lift, Math.max(0, window.innerHeight - box.offsetHeight - 2 * GAP - 60));
  if (lift) box.style.setProperty('--toast-lift', `${Math.round(lift)}px`);
}

let placing = 0;
function schedulePlacement() {
  if (placing) return;
  placing = requestAnimationFrame(() => { placing = 0; placeToasts(); });
}
window.addEventListener('scroll', schedulePlacement, { passive: true });
window.addEventListener('resize', schedulePlacement);

export function toast(message, kind = 'info', ms = 5000) {
  const box = document.getElementById('toasts');
  const el = h('div', { class: ['toast', `toast--${kind}`] }, message);
  box.append(el);
  placeToasts();
  setTimeout(() => { el.remove(); placeToasts(); }, ms);
}

export function banner(message) {
  const el = document.getElementById('connection-banner');
  if (!message) {
    el.hidden = true;
    clear(el);
    return;
  }
  clear(el).append(h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', {}, message));
  el.hidden = false;
}

/** Sets the document title and returns the page's <h1> (focused after navigation). */
export function pageTitle(text, extraClass) {
  document.title = `${text} · seatd`;
  return h('h1', { class: ['page-title', extraClass], tabindex: '-1' }, text);
}

/** An error box (role=alert) that shows a message or hides itself. */
export function errorBox() {
  const el = h('div', { class: 'form-error', role: 'alert', hidden: true });
  el.show = (message) => {
    clear(el);
    if (!message) { el.hidden = true; return; }
    el.append(icon('alert'), h('span', {}, message));
    el.hidden = false;
  };
  return el;
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(title, body, ...actions) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty__title' }, title), body ? h('p', {}, body) : null,
    actions.length ? h('p', { class: 'empty__actions' }, actions) : null);
}

/** A labelled form field: label, control, optional hint. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h('p', { class: 'field__hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** Disables a submit button while a promise runs and shows a busy label (beside the
 *  button's icon, which stays). */
export async function busy(button, label, fn) {
  const original = [...button.childNodes]; // the label and its icon, put back afterwards
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(...original.filter((n) => n.nodeName.toLowerCase() === 'svg').map((n) => n.cloneNode(true)), label);
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...original);
  }
}
