// Small inline-SVG charts: vertical bars, horizontal bars and a gauge. Each chart is an
// <svg role="img"> with a text description, and the values are also written on the chart.

import { s } from './dom.js';

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function compact(v) {
  const n = Number(v) || 0;
  if (n >= 1e7) return `${+(n / 1e7).toFixed(1)}Cr`;
  if (n >= 1e5) return `${+(n / 1e5).toFixed(1)}L`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Vertical bars: data [{label, value}], format(value) for labels. */
export function barChart(data, { title, format = compact, prefix = '', minMax = 100 } = {}) {
  const W = 420;
  const H = 220;
  const left = 44;
  const right = 8;
  const top = 22;
  const bottom = 28;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const max = niceMax(Math.max(minMax, ...data.map((d) => d.value)));
  const svg = s('svg', {
    class: 'chart chart--bars', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `${title}: ${data.map((d) => `${d.label} ${format(d.value)}`).join(', ')}`,
  });
  svg.append(s('title', {}, title));
  for (let i = 0; i <= 4; i += 1) {
    const y = top + plotH - (plotH * i) / 4;
    svg.append(s('line', { class: 'chart__grid', x1: left, x2: W - right, y1: y, y2: y }));
    svg.append(s('text', { class: 'chart__axis', x: left - 6, y: y + 4, 'text-anchor': 'end' }, `${prefix}${compact((max * i) / 4)}`));
  }
  const slot = plotW / Math.max(1, data.length);
  const barW = Math.min(40, slot * 0.62);
  data.forEach((d, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    const hgt = max ? (plotH * Math.max(0, d.value)) / max : 0;
    const y = top + plotH - hgt;
    const last = i === data.length - 1;
    svg.append(s('rect', { class: ['chart__bar', last && 'chart__bar--current'], x, y, width: barW, height: Math.max(hgt, d.value > 0 ? 2 : 0), rx: 3 }));
    svg.append(s('text', { class: 'chart__label', x: x + barW / 2, y: H - 8, 'text-anchor': 'middle' }, d.label));
    if (d.value > 0) svg.append(s('text', { class: 'chart__value', x: x + barW / 2, y: y - 6, 'text-anchor': 'middle' }, `${prefix}${compact(d.value)}`));
  });
  svg.append(s('line', { class: 'chart__baseline', x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
  return svg;
}

/** Horizontal bars: data [{label, value, note}]. */
export function hbarChart(data, { title, format = compact } = {}) {
  const W = 420;
  const rowH = 36;
  const top = 6;
  const labelW = 96;
  const valueW = 70;
  const H = top * 2 + rowH * Math.max(1, data.length);
  const max = Math.max(0, ...data.map((d) => d.value)) || 1;
  const svg = s('svg', {
    class: 'chart chart--hbars', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `${title}: ${data.map((d) => `${d.label} ${format(d.value)}${d.note ? ` (${d.note})` : ''}`).join(', ')}`,
  });
  svg.append(s('title', {}, title));
  const plotW = W - labelW - valueW;
  data.forEach((d, i) => {
    const y = top + i * rowH;
    const w = (plotW * Math.max(0, d.value)) / max;
    svg.append(s('text', { class: 'chart__label chart__label--left', x: 0, y: y + rowH / 2 + 4 }, d.label));
    svg.append(s('rect', { class: 'chart__track', x: labelW, y: y + 8, width: plotW, height: rowH - 16, rx: 4 }));
    svg.append(s('rect', { class: ['chart__bar', i === 0 && 'chart__bar--top'], x: labelW, y: y + 8, width: Math.max(w, 2), height: rowH - 16, rx: 4 }));
    svg.append(s('text', { class: 'chart__value', x: W, y: y + rowH / 2 + 4, 'text-anchor': 'end' }, format(d.value)));
  });
  return svg;
}

/** A half-circle gauge for a percentage. */
export function gauge(percent, { title } = {}) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  const W = 220;
  const H = 130;
  const cx = W / 2;
  const cy = 112;
  const r = 88;
  const point = (frac) => {
    const a = Math.PI * (1 - frac);
    return [cx + r * Math.cos(a), cy - r * Math.sin(a)];
  };
  const [x0, y0] = point(0);
  const [x1, y1] = point(1);
  const [xp, yp] = point(p / 100);
  const svg = s('svg', { class: 'chart chart--gauge', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${p.toFixed(1)} percent` });
  svg.append(s('title', {}, title));
  svg.append(s('path', { class: 'gauge__track', d: `M ${x0} ${y0} A ${r} ${r} 0 0 1 ${x1} ${y1}` }));
  if (p > 0) svg.append(s('path', { class: 'gauge__value', d: `M ${x0} ${y0} A ${r} ${r} 0 0 1 ${xp.toFixed(2)} ${yp.toFixed(2)}` }));
  svg.append(s('text', { class: 'gauge__text', x: cx, y: cy - 12, 'text-anchor': 'middle' }, `${p.toFixed(p < 10 && p > 0 ? 1 : 0)}%`));
  svg.append(s('text', { class: 'gauge__sub', x: cx, y: cy + 12, 'text-anchor': 'middle' }, 'of seats sold'));
  return svg;
}
