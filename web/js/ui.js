// Page-level pieces shared by the views: toasts, the connection banner, page titles,
// form error boxes and loading/empty states.

import { h, icon, clear } from './dom.js';

export function toast(message, kind = 'info', ms = 5000) {
  const box = document.getElementById('toasts');
  const el = h('div', { class: ['toast', `toast--${kind}`] }, message);
  box.append(el);
  setTimeout(() => el.remove(), ms);
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

/** Disables a submit button while a promise runs and shows a busy label. */
export async function busy(button, label, fn) {
  const original = [...button.childNodes]; // the label and its icon, put back afterwards
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...original);
  }
}
