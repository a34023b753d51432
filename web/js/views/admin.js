// The operator's dashboard: analytics (GET /admin/analytics) as charts and cards, every trip's
// occupancy over a date range (GET /admin/trips) with links to its manifest and check-in page,
// the bookings with a search by booking number or e-mail (GET /admin/bookings), the e-mail
// outbox (GET /admin/outbox: counts, failed messages, POST /admin/outbox/{id}/resend), the
// scheduled weeks (GET /admin/schedule/weeks) and the schedule upload (POST
// /setup/seed-schedule: fields "file" and "weeks", previewed first with "dry_run").

import { h, icon, clear } from '../dom.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { pageTitle, errorBox, loading, emptyState, busy, toast, field } from '../ui.js';
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

  // ---- schedule: the weeks on the calendar, and the upload ----
  const weeksBody = h('div', { 'aria-live': 'polite' }, loading('Loading the scheduled weeks…'));
  const weeksError = errorBox();
  // The preview is a dry run of the upload: it is only sent to a seatd that knows dry_run (one
  // that lists its weeks), since an older one would import the file for real.
  let previewable = false;

  async function loadWeeks() {
    let weeks;
    try {
      weeks = await api('/admin/schedule/weeks', { signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(weeksBody);
      weeksError.show(err.message);
      return;
    }
    previewable = true;
    weeksError.show(null);
    if (!weeks.length) {
      clear(weeksBody).append(h('p', { class: 'field__hint' }, 'Nothing is scheduled yet: upload a weekly schedule below.'));
      return;
    }
    clear(weeksBody).append(h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'weeks-title' },
      h('table', { class: 'data-table', 'data-testid': 'weeks-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Week of'), h('th', { scope: 'col', class: 'num' }, 'Trips'), h('th', { scope: 'col', class: 'num' }, 'Buses'),
          h('th', { scope: 'col' }, 'First departure'), h('th', { scope: 'col' }, 'Last departure'), h('th', { scope: 'col', class: 'num' }, 'Departed'))),
        h('tbody', {}, weeks.slice(0, 60).map((w) => h('tr', { 'data-week': w.week_start },
          h('th', { scope: 'row' }, fmt.date(w.week_start)),
          h('td', { class: 'num' }, String(w.trips)),
          h('td', { class: 'num' }, String(w.buses)),
          h('td', {}, w.first_departure ? fmt.dateTime(w.first_departure) : '—'),
          h('td', {}, w.last_departure ? fmt.dateTime(w.last_departure) : '—'),
          h('td', { class: 'num' }, w.trips && w.departed >= w.trips ? 'all' : String(w.departed ?? 0))))))));
  }

  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', required: true });
  const weeksSelect = h('select', { id: 'schedule-weeks', name: 'weeks' },
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => h('option', { value: String(n) }, fmt.plural(n, 'week'))));
  const uploadError = errorBox();
  const preview = h('div', { class: 'upload__preview', 'aria-live': 'polite', 'data-testid': 'upload-preview' });
  const uploadResult = h('div', { class: 'upload__result', role: 'status', 'aria-live': 'polite' });
  const uploadButton = h('button', { type: 'submit', class: 'button' }, icon('upload'), 'Upload schedule');
  const uploadForm = h('form', { class: 'upload', novalidate: true, 'aria-labelledby': 'upload-title', 'data-testid': 'upload' },
    h('h3', { id: 'upload-title', class: 'panel__subtitle' }, 'Upload a schedule'),
    h('p', { class: 'field__hint' }, 'An .xlsx or .csv weekly schedule (columns Operator, Day, Bus Name, Source, Destination, Departure Time, Arrival Time, Fare (INR), Service Type, Bus Type). It is repeated for the weeks you choose, from the current week or the week after the latest trip. Choose the file to see what will be added before anything is.'),
    uploadError,
    h('div', { class: 'upload__row' },
      h('div', { class: 'field upload__file' }, h('label', { for: 'schedule-file' }, 'Schedule file'), Object.assign(file, { id: 'schedule-file' })),
      h('div', { class: 'field upload__weeks' }, h('label', { for: 'schedule-weeks' }, 'Weeks'), weeksSelect),
      uploadButton),
    preview,
    uploadResult);

  function chosenFile() {
    const f = file.files && file.files[0];
    if (!f) { uploadError.show('Choose a schedule file first.'); file.focus(); return null; }
    if (!/\.(xlsx|csv)$/i.test(f.name)) { uploadError.show('The schedule must be an .xlsx or .csv file.'); file.focus(); return null; }
    return f;
  }
  function scheduleForm(f, dryRun) {
    const form = new FormData();
    form.append('file', f, f.name);
    form.append('weeks', weeksSelect.value);
    if (dryRun) form.append('dry_run', 'true');
    return form;
  }
  const weekList = (weeks) => h('ul', { class: 'upload__weeks-list' }, (weeks || []).map((w) => h('li', {},
    `Week of ${fmt.date(w.week_start)}: ${fmt.plural(w.trips, 'trip')}`)));

  // Each preview or upload outdates the previews still on their way. The upload waits for the
  // preview of the same file and weeks: a file the dry run refused is not sent again (the
  // refusal is shown), one it accepted is then imported for real.
  let generation = 0;
  let lastPreview = null; // {key, outcome: Promise<{ok, error}>}
  const previewKey = (f) => `${f.name}|${f.size}|${f.lastModified}|${weeksSelect.value}`;

  async function runPreview() {
    const mine = ++generation;
    uploadError.show(null);
    clear(uploadResult);
    clear(preview);
    lastPreview = null;
    if (!previewable || !file.files || !file.files[0]) return;
    const f = chosenFile();
    if (!f) return;
    preview.append(loading('Checking the file…'));
    const request = api('/setup/seed-schedule', { method: 'POST', form: scheduleForm(f, true), signal });
    lastPreview = { key: previewKey(f), outcome: request.then(() => ({ ok: true }), (error) => ({ ok: false, error })) };
    let res;
    try {
      res = await request;
    } catch (err) {
      if (err.name === 'AbortError' || mine !== generation) return;
      clear(preview);
      uploadError.show(err.message);
      return;
    }
    if (mine !== generation) return;
    const weeks = res.weeks || [];
    const total = weeks.reduce((n, w) => n + (Number(w.trips) || 0), 0) || res.trips_created || 0;
    const already = res.already_scheduled || [];
    clear(preview).append(h('div', { class: 'preview', 'data-testid': 'preview' },
      h('p', { class: 'preview__title' }, 'Preview: nothing is added until you upload'),
      h('p', {}, `${fmt.plural(total, 'trip')} in ${fmt.plural(weeks.length || 1, 'week')}, ${fmt.plural(res.buses_created ?? 0, 'new bus', 'new buses')}.`),
      weekList(weeks),
      already.length
        ? h('p', { class: 'notice notice--warn', 'data-testid': 'preview-warning' }, icon('alert'),
          `Already scheduled: ${already.map((d) => `week of ${fmt.date(d)}`).join(', ')}. Those weeks have trips already.`)
        : null));
  }
  file.addEventListener('change', runPreview);
  weeksSelect.addEventListener('change', runPreview);

  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    uploadError.show(null);
    clear(uploadResult);
    const f = chosenFile();
    if (!f) return;
    const checked = lastPreview && lastPreview.key === previewKey(f) ? lastPreview.outcome : null;
    generation += 1;
    let res;
    try {
      res = await busy(uploadButton, 'Uploading…', async () => {
        const verdict = checked ? await checked : { ok: true };
        if (!verdict.ok && verdict.error.status >= 400 && verdict.error.status < 500) throw verdict.error;
        return api('/setup/seed-schedule', { method: 'POST', form: scheduleForm(f, false) });
      });
    } catch (err) {
      clear(preview);
      uploadError.show(err.message);
      return;
    }
    clear(preview);
    lastPreview = null;
    // The server's sentence once; the weeks only where there is more than the one it names.
    const weeks = res.weeks || [];
    uploadResult.append(h('div', { class: 'notice notice--success upload__done' }, icon('check'),
      h('div', {},
        h('p', { 'data-testid': 'upload-message' }, res.message || 'Schedule uploaded.'),
        weeks.length > 1 ? weekList(weeks) : null)));
    file.value = '';
    forgetCities();
    loadAnalytics();
    loadWeeks();
    loadTrips();
  });

  const schedule = h('section', { class: 'panel schedule', 'aria-labelledby': 'schedule-title', 'data-testid': 'schedule' },
    h('h2', { id: 'schedule-title', class: 'panel__title' }, 'Schedule'),
    h('h3', { id: 'weeks-title', class: 'panel__subtitle' }, 'Scheduled weeks'),
    weeksError, weeksBody, uploadForm);

  // ---- trips and their occupancy over a date range ----
  const today = fmt.isoDay();
  const plusDays = (day, n) => { const d = fmt.parseLocal(day); d.setDate(d.getDate() + n); return fmt.isoDay(d); };
  const tripsFrom = h('input', { type: 'date', id: 'trips-from', name: 'from', value: today });
  const tripsTo = h('input', { type: 'date', id: 'trips-to', name: 'to', value: plusDays(today, 6) });
  const tripsError = errorBox();
  const tripsBody = h('div', { 'aria-live': 'polite' });
  const MAX_ROWS = 300;
  const tripsForm = h('form', { class: 'range', novalidate: true, 'aria-label': 'Dates of the trips' },
    field('From', tripsFrom), field('To', tripsTo),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show trips'));
  tripsForm.addEventListener('submit', (ev) => { ev.preventDefault(); loadTrips(); });
  const trips = h('section', { class: 'panel trips-panel', 'aria-labelledby': 'trips-title', 'data-testid': 'trips' },
    h('div', { class: 'panel__head' },
      h('h2', { id: 'trips-title', class: 'panel__title' }, 'Trips and occupancy'),
      h('a', { class: 'button button--ghost button--small', href: '#/admin/boarding' }, 'Boarding and check-in')),
    tripsForm, tripsError, tripsBody);

  async function loadTrips() {
    tripsError.show(null);
    const a = tripsFrom.value;
    const b = tripsTo.value;
    if (!a || !b) { tripsError.show('Choose both dates.'); (a ? tripsTo : tripsFrom).focus(); return; }
    if (b < a) { tripsError.show('The end date is before the start date.'); tripsTo.focus(); return; }
    if (b > plusDays(a, 61)) { tripsError.show('Choose at most 62 days at a time.'); tripsTo.focus(); return; }
    clear(tripsBody).append(loading('Loading the trips…'));
    let r;
    try {
      r = await api(`/admin/trips?${new URLSearchParams({ from: a, to: b })}`, { signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(tripsBody);
      tripsError.show(err.message);
      return;
    }
    const list = r.trips || [];
    const t = r.totals || {};
    const totals = h('div', { class: 'outbox__counts', 'data-testid': 'trips-totals' },
      h('div', { class: 'outbox__count' }, h('span', { class: 'outbox__number' }, String(t.trips ?? list.length)), h('span', {}, 'trips')),
      h('div', { class: 'outbox__count' }, h('span', { class: 'outbox__number' }, `${t.booked_seats ?? 0}/${t.total_seats ?? 0}`), h('span', {}, 'seats sold')),
      h('div', { class: 'outbox__count' }, h('span', { class: 'outbox__number' }, `${(Number(t.occupancy) || 0).toFixed(1)}%`), h('span', {}, 'occupancy')),
      h('div', { class: 'outbox__count' }, h('span', { class: 'outbox__number' }, fmt.money(t.revenue)), h('span', {}, 'revenue')));
    if (!list.length) {
      clear(tripsBody).append(totals, h('p', { class: 'field__hint' }, `No trips from ${fmt.date(a)} to ${fmt.date(b)}.`));
      return;
    }
    const rows = list.slice(0, MAX_ROWS).map((x) => {
      const pct = x.total_seats ? Math.round((100 * x.booked_seats) / x.total_seats) : 0;
      return h('tr', { 'data-trip-id': x.trip_id, class: x.departed ? 'is-departed' : null },
        h('td', {}, h('span', { class: 'data-table__strong' }, fmt.shortDate(x.departure_time)), ' ', fmt.time(x.departure_time)),
        h('th', { scope: 'row' }, `${x.source} → ${x.destination}`),
        h('td', { class: 'col-bus' }, x.bus_name, h('span', { class: 'data-table__sub' }, [x.bus_type, x.operator].filter(Boolean).join(' · '))),
        h('td', { class: 'occupancy' },
          h('span', { class: 'occupancy__text' }, `${x.booked_seats}/${x.total_seats}`),
          h('span', { class: 'occupancy__bar', 'aria-hidden': 'true' }, h('span', { class: ['occupancy__fill', `occupancy__fill--${Math.min(10, Math.round(pct / 10))}`] })),
          h('span', { class: 'sr-only' }, `, ${pct}% full`),
          x.held_seats ? h('span', { class: 'data-table__sub' }, `${x.held_seats} held now`) : null),
        h('td', { class: 'num' }, fmt.money(x.revenue)),
        h('td', {}, x.departed ? h('span', { class: 'badge badge--cancelled' }, 'Departed') : h('span', { class: 'badge' }, 'Upcoming')),
        h('td', {}, h('a', { href: `#/admin/boarding?trip=${x.trip_id}`, 'aria-label': `Manifest and check-in: trip ${x.trip_id}, ${x.source} to ${x.destination} ${fmt.dateTime(x.departure_time)}` }, 'Manifest')));
    });
    clear(tripsBody).append(totals,
      h('div', { class: 'table-scroll table-scroll--tall', tabindex: '0', role: 'region', 'aria-label': 'Trips in these dates' },
        h('table', { class: 'data-table', 'data-testid': 'trips-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Departs'), h('th', { scope: 'col' }, 'Route'), h('th', { scope: 'col', class: 'col-bus' }, 'Bus'),
            h('th', { scope: 'col' }, 'Sold'), h('th', { scope: 'col', class: 'num' }, 'Revenue'), h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Manifest')))),
          h('tbody', {}, rows))),
      list.length > MAX_ROWS ? h('p', { class: 'field__hint' }, `The first ${MAX_ROWS} of ${list.length} trips: choose fewer days to see the rest.`) : '');
  }

  // ---- bookings, searchable by booking number or e-mail ----
  const PAGE = 20;
  let offset = 0;
  const bq = h('input', { type: 'search', id: 'bookings-q', name: 'q', maxlength: '100', autocomplete: 'off', placeholder: 'ABC-1A2B3C or name@example.com' });
  const bstatus = h('select', { id: 'bookings-status', name: 'status' },
    h('option', { value: '' }, 'All'), h('option', { value: 'confirmed' }, 'Confirmed'), h('option', { value: 'cancelled' }, 'Cancelled'));
  const bookingsError = errorBox();
  const bookingsBody = h('div', { 'aria-live': 'polite' });
  const bookingsForm = h('form', { class: 'range', role: 'search', novalidate: true, 'aria-label': 'Find bookings' },
    field('Booking number or e-mail', bq), field('Status', bstatus),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Find bookings'));
  bookingsForm.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; loadBookings(); });
  const bookings = h('section', { class: 'panel bookings-panel', 'aria-labelledby': 'bookings-title', 'data-testid': 'bookings' },
    h('h2', { id: 'bookings-title', class: 'panel__title' }, 'Bookings'),
    bookingsForm, bookingsError, bookingsBody);

  const when = (v) => (typeof v === 'number' ? new Date(v).toLocaleString('en-IN') : fmt.dateTime(v));
  async function loadBookings() {
    bookingsError.show(null);
    const q = bq.value.trim();
    clear(bookingsBody).append(loading('Loading the bookings…'));
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (q) params.set('q', q);
    if (bstatus.value) params.set('status', bstatus.value);
    let r;
    try {
      r = await api(`/admin/bookings?${params}`, { signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(bookingsBody);
      bookingsError.show(err.message);
      return;
    }
    const list = r.bookings || [];
    const total = r.total ?? list.length;
    if (!list.length) {
      clear(bookingsBody).append(h('p', { class: 'field__hint', 'data-testid': 'bookings-none' }, q ? `No booking matches “${q}”.` : 'No bookings yet.'));
      return;
    }
    const pager = h('div', { class: 'pager' },
      h('p', { class: 'pager__where', 'data-testid': 'bookings-count' }, `${offset + 1}–${offset + list.length} of ${total}`),
      h('button', { type: 'button', class: 'button button--secondary button--small', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); loadBookings(); } }, 'Previous'),
      h('button', { type: 'button', class: 'button button--secondary button--small', disabled: offset + list.length >= total, onclick: () => { offset += PAGE; loadBookings(); } }, 'Next'));
    const seatsOf = (b) => (Array.isArray(b.seats) ? b.seats : []);
    const boardedText = (b) => {
      if (typeof b.boarded === 'number') return `${b.boarded}/${seatsOf(b).length || b.boarded}`;
      return b.boarded ? 'Yes' : 'No';
    };
    clear(bookingsBody).append(
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Bookings found' },
        h('table', { class: 'data-table', 'data-testid': 'bookings-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Booking'), h('th', { scope: 'col' }, 'Trip'), h('th', { scope: 'col' }, 'Seats'),
            h('th', { scope: 'col', class: 'col-email' }, 'Booked by'), h('th', { scope: 'col', class: 'num' }, 'Total'), h('th', { scope: 'col' }, 'Boarded'))),
          h('tbody', {}, list.map((b) => h('tr', { 'data-booking': b.booking_number },
            h('th', { scope: 'row' },
              h('span', { class: 'manifest__booking' }, b.booking_number),
              h('span', { class: ['badge', b.status === 'cancelled' ? 'badge--cancelled' : 'badge--confirmed'] }, b.status),
              h('span', { class: 'data-table__sub' }, when(b.created_at))),
            h('td', {}, b.trip ? [
              h('a', { href: `#/admin/boarding?trip=${b.trip.trip_id}` }, `${b.trip.source} → ${b.trip.destination}`, h('span', { class: 'sr-only' }, ': manifest and check-in')),
              h('span', { class: 'data-table__sub' }, `${fmt.dateTime(b.trip.departure_time)} · ${b.trip.bus_name}`)] : '—'),
            h('td', {}, fmt.seatList(seatsOf(b))),
            h('td', { class: 'col-email' }, b.user_email),
            h('td', { class: 'num' }, fmt.money(b.total_price)),
            h('td', {}, boardedText(b))))))),
      pager);
  }

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
      h('div', { class: 'dash-head__actions' },
        h('a', { class: 'button button--secondary button--small', href: '#/admin/boarding' }, icon('scan'), 'Boarding'),
        h('button', {
          type: 'button', class: 'button button--secondary button--small',
          onclick: () => { loadAnalytics(); loadOutbox(); loadTrips(); loadBookings(); loadWeeks(); },
        }, 'Refresh'))),
    analyticsBox, trips, bookings, outbox, schedule);
  loadOutbox();
  loadTrips();
  loadBookings();
  loadWeeks();

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
