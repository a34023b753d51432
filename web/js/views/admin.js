// The operator's dashboard: analytics (GET /admin/analytics) as charts and cards, the e-mail
// outbox (GET /admin/outbox: counts, failed messages, POST /admin/outbox/{id}/resend) and the
// schedule upload (POST /setup/seed-schedule, multipart field "file").

import { h, icon, clear } from '../dom.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { pageTitle, errorBox, loading, emptyState, busy, toast } from '../ui.js';
import { barChart, hbarChart, gauge } from '../charts.js';
import { forgetCities } from './search.js';
import * as fmt from '../format.js';

function metric(label, value, note, testid) {
  return h('div', { class: 'metric', 'data-testid': testid },
    h('p', { class: 'metric__label' }, label),
    h('p', { class: 'metric__value' }, value),
    note ? h('p', { class: 'metric__note' }, note) : null);
}

function chartCard(title, chart, extra, testid) {
  return h('section', { class: 'panel chart-card', 'data-testid': testid },
    h('h2', { class: 'panel__title' }, title), chart, extra);
}

export async function adminView({ main, signal }) {
  if (!session.user || !session.user.is_admin) {
    main.append(pageTitle('Operators only'),
      emptyState('This dashboard is for operators.', 'Your account does not have operator access.',
        h('a', { class: 'button', href: '#/' }, 'Search for trips')));
    return;
  }
  const analyticsBox = h('div', { class: 'dashboard', 'aria-live': 'polite' }, loading('Loading the figures…'));

  // ---- upload ----
  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', required: true });
  const uploadError = errorBox();
  const uploadResult = h('div', { class: 'upload__result', role: 'status', 'aria-live': 'polite' });
  const uploadButton = h('button', { type: 'submit', class: 'button' }, icon('upload'), 'Upload schedule');
  const uploadForm = h('form', { class: 'panel upload', novalidate: true, 'aria-labelledby': 'upload-title', 'data-testid': 'upload' },
    h('h2', { id: 'upload-title', class: 'panel__title' }, 'Upload a schedule'),
    h('p', { class: 'field__hint' }, 'An .xlsx or .csv weekly schedule (columns Operator, Day, Bus Name, Source, Destination, Departure Time, Arrival Time, Fare (INR), Service Type, Bus Type). Trips are added for the current week, or the week after the latest trip.'),
    uploadError,
    h('div', { class: 'upload__row' },
      h('label', { class: 'sr-only', for: 'schedule-file' }, 'Schedule file'),
      Object.assign(file, { id: 'schedule-file' }),
      uploadButton),
    uploadResult);
  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    uploadError.show(null);
    clear(uploadResult);
    const f = file.files && file.files[0];
    if (!f) { uploadError.show('Choose a schedule file first.'); file.focus(); return; }
    if (!/\.(xlsx|csv)$/i.test(f.name)) { uploadError.show('The schedule must be an .xlsx or .csv file.'); file.focus(); return; }
    const form = new FormData();
    form.append('file', f, f.name);
    try {
      const res = await busy(uploadButton, 'Uploading…', () => api('/setup/seed-schedule', { method: 'POST', form }));
      uploadResult.append(h('p', { class: 'notice notice--success', 'data-testid': 'upload-message' }, icon('check'), res.message || 'Schedule uploaded.'),
        res.week_start ? h('p', { class: 'field__hint' }, `Week starting ${fmt.date(`${res.week_start}T00:00`)}: ${fmt.plural(res.trips_created ?? 0, 'trip')}, ${fmt.plural(res.buses_created ?? 0, 'new bus', 'new buses')}.`) : null);
      file.value = '';
      forgetCities();
      loadAnalytics();
    } catch (err) {
      uploadError.show(err.message);
    }
  });

  // ---- outbox ----
  const outboxBody = h('div', { 'aria-live': 'polite' }, loading('Loading the outbox…'));
  const outboxError = errorBox();
  const outbox = h('section', { class: 'panel outbox', 'aria-labelledby': 'outbox-title', 'data-testid': 'outbox' },
    h('div', { class: 'panel__head' },
      h('h2', { id: 'outbox-title', class: 'panel__title' }, 'E-mail outbox'),
      h('button', { type: 'button', class: 'button button--ghost button--small', onclick: () => loadOutbox() }, 'Refresh outbox')),
    h('p', { class: 'field__hint' }, 'Booking confirmations and cancellations wait here until they are delivered. A message that kept failing stops retrying: resend it once the mail server is fixed.'),
    outboxError, outboxBody);

  async function loadOutbox() {
    let o;
    try {
      o = await api('/admin/outbox?status=failed&limit=50', { signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(outboxBody);
      outboxError.show(err.message);
      return;
    }
    outboxError.show(null);
    const count = (label, n, kind) => h('div', { class: ['outbox__count', kind && n > 0 && `outbox__count--${kind}`], 'data-testid': `outbox-${label.toLowerCase()}` },
      h('span', { class: 'outbox__number' }, String(n)), h('span', {}, label));
    const failed = o.messages || [];
    clear(outboxBody).append(
      h('div', { class: 'outbox__counts' }, count('Pending', o.pending ?? 0), count('Failed', o.failed ?? 0, 'failed'), count('Sent', o.sent ?? 0)),
      failed.length
        ? h('ul', { class: 'outbox__list', 'aria-label': 'Failed messages' }, failed.map((m) => {
          const resend = h('button', { type: 'button', class: 'button button--secondary button--small', 'aria-label': `Resend the ${m.kind} e-mail of booking ${m.booking_number}` }, 'Resend');
          resend.addEventListener('click', async () => {
            outboxError.show(null);
            try {
              await busy(resend, 'Resending…', () => api(`/admin/outbox/${m.id}/resend`, { method: 'POST' }));
              toast(`The ${m.kind} e-mail of booking ${m.booking_number} is queued again.`, 'success');
            } catch (err) {
              outboxError.show(err.message);
            }
            loadOutbox();
          });
          return h('li', { class: 'outbox__item', 'data-message': m.id },
            h('div', { class: 'outbox__what' },
              h('span', { class: 'outbox__kind' }, `${m.kind} · ${m.booking_number}`),
              h('span', { class: 'outbox__meta' }, `${fmt.plural(m.attempts, 'attempt')}, since ${new Date(m.created_at).toLocaleString('en-IN')}`),
              m.last_error ? h('span', { class: 'outbox__error' }, m.last_error) : null),
            resend);
        }))
        : h('p', { class: 'outbox__ok' }, icon('check'), 'No failed messages.'));
  }

  main.append(
    h('div', { class: 'dash-head' }, pageTitle('Operator dashboard'),
      h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => { loadAnalytics(); loadOutbox(); } }, 'Refresh')),
    analyticsBox, outbox, uploadForm);
  loadOutbox();

  async function loadAnalytics() {
    let a;
    try {
      a = await api('/admin/analytics', { signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(analyticsBox).append(h('p', { class: 'form-error', role: 'alert' }, err.message));
      return;
    }
    const trend = (a.trend || []).map((d) => ({ label: d.day, value: Number(d.amount) || 0 }));
    const weekTotal = trend.reduce((sum, d) => sum + d.value, 0);
    const buses = (a.bus_performance || []).map((b) => ({ label: b.name, value: Number(b.revenue) || 0, note: fmt.plural(b.tickets, 'ticket') }));
    const m = a.metrics || {};
    clear(analyticsBox).append(
      h('div', { class: 'metrics' },
        metric('Revenue', fmt.money(m.revenue), 'all confirmed bookings', 'metric-revenue'),
        metric('Last 7 days', fmt.money(weekTotal), 'bookings made this week', 'metric-week'),
        metric('Occupancy', `${(Number(m.occupancy) || 0).toFixed(1)}%`, 'seats sold on all trips', 'metric-occupancy'),
        metric('Travellers', String(m.users ?? 0), 'registered accounts', 'metric-users')),
      h('div', { class: 'charts' },
        chartCard('Revenue, last 7 days', barChart(trend, { title: 'Revenue per day, last 7 days', prefix: '₹', minMax: 1000 }),
          weekTotal ? null : h('p', { class: 'chart-card__note' }, 'No bookings in the last 7 days yet.'), 'chart-revenue'),
        chartCard('Top buses by revenue', buses.length
          ? hbarChart(buses, { title: 'Top buses by revenue', format: (v) => fmt.money(v) })
          : h('p', { class: 'chart-card__note' }, 'No bookings yet: the top buses appear after the first sale.'), null, 'chart-buses'),
        chartCard('Occupancy', gauge(m.occupancy, { title: 'Occupancy' }), null, 'chart-occupancy')));
  }
  await loadAnalytics();
}
