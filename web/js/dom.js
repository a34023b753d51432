// Small DOM helpers. Every piece of text reaches the page through text nodes or attributes,
// never through innerHTML, so server data cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h('button', {class: 'x', onclick: fn}, 'text', child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Small inline icons (decorative: hidden from assistive technology). */
const ICONS = {
  check: 'M4 10.5l4 4 8-9',
  lock: 'M6 9V7a4 4 0 0 1 8 0v2M5 9h10v8H5z',
  cross: 'M5 5l10 10M15 5L5 15',
  clock: 'M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14M10 6v4l3 2',
  swap: 'M4 7h11l-3-3M16 13H5l3 3',
  steering: 'M10 2a8 8 0 1 0 0 16a8 8 0 1 0 0-16M10 7a3 3 0 1 0 0 6a3 3 0 1 0 0-6M2.5 9h4.5M13 9h4.5M10 13v4.5',
  door: 'M5 18V3h10v15M12 10.5h.01',
  bus: 'M4 4h12v10H4zM4 10h12M6 17v-3M14 17v-3',
  ticket: 'M3 6h14v3a1.5 1.5 0 0 0 0 3v3H3v-3a1.5 1.5 0 0 0 0-3zM12 6v9',
  upload: 'M10 14V4M6 8l4-4 4 4M4 16h12',
  alert: 'M10 3l8 14H2zM10 8v4M10 14.5v.5',
  download: 'M10 3v10M6 9l4 4 4-4M4 16h12',
  printer: 'M6 8V3h8v5M6 14H4V8h12v6h-2M6 11h8v6H6z',
  camera: 'M3 6h3l1.5-2h5L14 6h3v10H3zM10 8.5a3 3 0 1 0 0 6a3 3 0 1 0 0-6',
  scan: 'M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4M3 10h14',
  refresh: 'M16 10a6 6 0 1 1-2-4.5M16 3v3.5h-3.5',
  share: 'M10 12.5V3M6.5 6.5L10 3l3.5 3.5M5 9.5H4v7.5h12V9.5h-1',
};

export function icon(name, extraClass) {
  return s('svg', { class: ['icon', extraClass], viewBox: '0 0 20 20', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] || '' }));
}

/** Visually hidden text for screen readers. */
export function srOnly(text) {
  return h('span', { class: 'sr-only' }, text);
}
