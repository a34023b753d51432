// Boarding the bus (operators): choose a trip (by number, or from a day's departures through
// the trip search), its manifest (GET /admin/trips/{id}/manifest, CSV with ?format=csv), and
// check-in (POST /admin/checkin) by a typed booking number or boarding code, or by the camera
// where the browser has the BarcodeDetector API.

import { h, icon, clear } from '../dom.js';
import { api, ApiError, download } from '../api.js';
import { session } from '../session.js';
import { pageTitle, errorBox, loading, emptyState, busy } from '../ui.js';
import * as fmt from '../format.js';

function clockTime(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** True when this browser can read QR codes from the camera (Chromium on Android, macOS,
 *  ChromeOS; not desktop Linux or Firefox). Asks nothing of the user: no camera is opened. */
async function canScan() {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code');
  } catch {
    return false;
  }
}

function tripPicker(onPick, signal, initialId) {
  // By number.
  const idInput = h('input', { id: 'boarding-trip-id', type: 'number', min: '1', step: '1', inputmode: 'numeric', value: initialId || '' });
  const idError = errorBox();
  const idForm = h('form', { class: 'boarding__by-id', novalidate: true, 'aria-label': 'Open a trip by number' },
    h('div', { class: 'field' }, h('label', { for: idInput.id }, 'Trip number'), idInput),
    h('button', { type: 'submit', class: 'button' }, 'Open'));
  idForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    idError.show(null);
    const id = Number(idInput.value);
    if (!Number.isInteger(id) || id < 1) { idError.show('Enter a trip number (a whole number from 1).'); idInput.focus(); return; }
    onPick(id);
  });

  // From a day's departures.
  const from = h('input', { id: 'boarding-from', type: 'text', list: 'boarding-cities', autocomplete: 'off' });
  const to = h('input', { id: 'boarding-to', type: 'text', list: 'boarding-cities', autocomplete: 'off' });
  const day = h('input', { id: 'boarding-date', type: 'date', value: fmt.isoDay() });
  const cities = h('datalist', { id: 'boarding-cities' });
  const searchError = errorBox();
  const results = h('div', { class: 'boarding__results', 'aria-live': 'polite' });
  const searchForm = h('form', { class: 'boarding__search', novalidate: true, 'aria-label': 'Find a departure' },
    h('div', { class: 'boarding__search-fields' },
      h('div', { class: 'field' }, h('label', { for: from.id }, 'From'), from),
      h('div', { class: 'field' }, h('label', { for: to.id }, 'To'), to),
      h('div', { class: 'field' }, h('label', { for: day.id }, 'Date'), day),
      h('button', { type: 'submit', class: 'button button--secondary' }, 'Find departures')),
    cities);
  searchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    searchError.show(null);
    if (!from.value.trim() || !to.value.trim() || !day.value) {
      searchError.show('Choose From, To and the date.');
      (!from.value.trim() ? from : !to.value.trim() ? to : day).focus();
      return;
    }
    clear(results).append(loading('Finding departures…'));
    try {
      const trips = await api(`/trips/search?${new URLSearchParams({ source: from.value.trim(), destination: to.value.trim(), travel_date: day.value })}`, { signal });
      trips.sort((a, b) => a.departure_time.localeCompare(b.departure_time));
      clear(results);
      if (!trips.length) { results.append(h('p', { class: 'field__hint' }, 'No departures on this day.')); return; }
      results.append(h('ul', { class: 'departures' }, trips.map((t) => h('li', {},
        h('button', {
          type: 'button', class: 'departure', 'data-trip-id': t.trip_id,
          onclick: () => onPick(t.trip_id),
        },
        h('span', { class: 'sr-only' }, 'Open '),
        h('span', { class: 'departure__time' }, fmt.time(t.departure_time)),
        h('span', { class: 'departure__bus' }, `${t.bus_name} · ${t.bus_type || 'Bus'}`),
        h('span', { class: 'departure__meta' }, `Trip ${t.trip_id} · ${fmt.plural(t.available_seats, 'seat')} free${t.departed ? ' · departed' : ''}`))))));
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(results);
      searchError.show(err.message);
    }
  });
  api('/trips/cities', { signal }).then((list) => {
    cities.append(...(list || []).map((c) => h('option', { value: c })));
  }).catch(() => { /* typing still works */ });

  // Folded away while a bus is boarding (the check-in box comes first on a phone).
  const summary = h('summary', { class: 'boarding__summary' }, h('h2', { class: 'panel__title' }, 'Choose a bus'));
  const picker = h('details', { class: 'panel boarding__picker', 'data-testid': 'trip-picker', open: true },
    summary,
    h('div', { class: 'boarding__picker-grid' },
      h('div', {}, idError, idForm),
      h('div', {}, h('p', { class: 'field__hint' }, 'Or find it among a day’s departures:'), searchError, searchForm, results)));
  picker.picked = (id) => {
    idInput.value = id;
    picker.open = false;
    summary.firstChild.textContent = `Trip ${id} · choose another bus`;
  };
  return picker;
}

export async function boardingView({ main, query, signal }) {
  if (!session.user || !session.user.is_admin) {
    main.append(pageTitle('Operators only'),
      emptyState('Boarding is for operators.', 'Your account does not have operator access.',
        h('a', { class: 'button', href: '#/' }, 'Search for trips')));
    return undefined;
  }
  const stoppers = [];
  let tripId = null;

  const workArea = h('div', { class: 'boarding__work' });
  const initial = Number(query.get('trip'));
  const picker = tripPicker(pick, signal, Number.isInteger(initial) && initial > 0 ? initial : '');
  main.append(
    h('div', { class: 'boarding' },
      h('div', { class: 'dash-head' }, pageTitle('Boarding')),
      picker,
      workArea));

  function pick(id) {
    if (signal.aborted) return; // a page that has been left must not rewrite the address
    history.replaceState(null, '', `#/admin/boarding?trip=${id}`);
    openTrip(id);
  }

  async function openTrip(id) {
    for (const stop of stoppers.splice(0)) stop();
    tripId = id;
    clear(workArea).append(loading(`Loading the manifest of trip ${id}…`));

    // ---- check-in ----
    const code = h('input', {
      id: 'checkin-code', type: 'text', name: 'code', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', maxlength: '200', placeholder: 'ABC-1A2B3C', 'aria-describedby': 'checkin-hint',
    });
    const result = h('div', { class: 'checkin-result', 'data-testid': 'checkin-result', role: 'status', 'aria-live': 'assertive', 'aria-atomic': 'true', hidden: true });
    const submit = h('button', { type: 'submit', class: 'button' }, icon('check'), 'Check in');
    const scanButton = h('button', { type: 'button', class: 'button button--secondary', hidden: true, 'data-testid': 'scan' }, icon('camera'), 'Scan with camera');
    const stopButton = h('button', { type: 'button', class: 'button button--ghost', hidden: true }, 'Stop camera');
    const video = h('video', { class: 'scanner__video', muted: true, playsinline: true, hidden: true, 'aria-label': 'Camera view: hold the QR code of the ticket in front of the camera' });
    const checkinForm = h('form', { class: 'checkin', novalidate: true, 'aria-labelledby': 'checkin-title' },
      h('h2', { id: 'checkin-title', class: 'panel__title' }, 'Check in'),
      h('div', { class: 'field' },
        h('label', { for: code.id }, 'Boarding code or booking number'),
        code,
        h('p', { class: 'field__hint', id: 'checkin-hint' }, 'Type the booking number printed on the ticket, or scan its QR code.')),
      h('div', { class: 'checkin__buttons' }, submit, scanButton, stopButton),
      video,
      result);

    const showResult = (kind, title, lines = []) => {
      result.className = `checkin-result checkin-result--${kind}`;
      result.setAttribute('role', kind === 'refused' ? 'alert' : 'status');
      result.replaceChildren(h('p', { class: 'checkin-result__title' }, icon(kind === 'boarded' ? 'check' : kind === 'already' ? 'clock' : 'cross'), title));
      if (lines.length) result.append(h('ul', { class: 'checkin-result__list' }, lines.map((l) => h('li', {}, l))));
      result.hidden = false;
    };

    async function checkIn(value, { scanned = false } = {}) {
      const text = value.trim();
      if (!text) { showResult('refused', 'Type a booking number or scan a code first.'); code.focus(); return; }
      try {
        const res = await busy(submit, 'Checking…', () => api('/admin/checkin', { method: 'POST', json: { code: text, trip_id: id } }));
        const who = (res.passengers || []).map((p) => `Seat ${p.seat_no}: ${p.name}`);
        showResult(res.already_boarded ? 'already' : 'boarded', res.message, [`Booking ${res.booking_number}`, ...who]);
        code.value = '';
      } catch (err) {
        showResult('refused', err instanceof ApiError && err.status === 404 ? `No booking ${text.toUpperCase()}: check the number.` : err.message);
        code.select();
      }
      // After a scan the camera button, not the keyboard (which would cover a phone's screen).
      (scanned && !scanButton.hidden ? scanButton : code).focus();
      await loadManifest();
    }
    checkinForm.addEventListener('submit', (ev) => { ev.preventDefault(); checkIn(code.value); });

    // The camera, only when asked for and only where the browser can read QR codes.
    let stream = null;
    let timer = null;
    const stopCamera = () => {
      clearTimeout(timer);
      timer = null;
      if (stream) for (const track of stream.getTracks()) track.stop();
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      stopButton.hidden = true;
      scanButton.hidden = false;
    };
    stoppers.push(stopCamera);
    scanButton.addEventListener('click', async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      } catch (err) {
        showResult('refused', `The camera could not be opened (${err && err.name ? err.name : 'error'}). Type the booking number instead.`);
        return;
      }
      if (tripId !== id) { stopCamera(); return; }
      video.muted = true;
      video.srcObject = stream;
      video.hidden = false;
      scanButton.hidden = true;
      stopButton.hidden = false;
      try { await video.play(); } catch { /* muted autoplay is allowed; a frame still arrives */ }
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      const look = async () => {
        if (!stream) return;
        try {
          const codes = video.readyState >= 2 ? await detector.detect(video) : [];
          const found = codes.find((c) => c.rawValue);
          if (found) {
            stopCamera();
            code.value = found.rawValue;
            await checkIn(found.rawValue, { scanned: true });
            return;
          }
        } catch { /* a frame that cannot be read: try the next */ }
        if (stream) timer = setTimeout(look, 250);
      };
      look();
    });
    stopButton.addEventListener('click', () => { stopCamera(); scanButton.focus(); });
    canScan().then((yes) => { if (yes && !stream) scanButton.hidden = false; });

    // ---- manifest ----
    const manifestError = errorBox();
    const counts = h('p', { class: 'manifest__counts', 'data-testid': 'manifest-counts', 'aria-live': 'polite' });
    const tripLine = h('p', { class: 'manifest__trip' });
    const tableBody = h('tbody', {});
    const showEmpty = h('input', { id: 'manifest-empty', type: 'checkbox' });
    const csvButton = h('button', { type: 'button', class: 'button button--secondary button--small', 'data-testid': 'manifest-csv' }, icon('download'), 'Download CSV');
    const refreshButton = h('button', { type: 'button', class: 'button button--ghost button--small' }, icon('refresh'), 'Refresh');
    const printButton = h('button', { type: 'button', class: 'button button--ghost button--small', onclick: () => window.print() }, icon('printer'), 'Print');
    let last = null;

    const render = () => {
      if (!last) return;
      const rows = last.seats.filter((s) => s.booked || showEmpty.checked);
      clear(tableBody).append(...rows.map((s) => h('tr', { class: [s.boarded && 'manifest__row--boarded', !s.booked && 'manifest__row--empty'], 'data-seat': s.seat_no },
        h('th', { scope: 'row' }, String(s.seat_no)),
        h('td', {}, s.booked ? s.passenger : h('span', { class: 'manifest__none' }, 'empty')),
        h('td', {}, s.booked ? [s.age != null ? s.age : null, s.gender].filter((x) => x != null && x !== '').join(' · ') || '—' : ''),
        h('td', { class: 'manifest__booking' }, s.booking_number || ''),
        h('td', {}, s.booked
          ? (s.boarded
            ? h('span', { class: 'badge badge--boarded' }, icon('check'), h('span', {}, h('span', { class: 'manifest__word' }, 'Boarded '), clockTime(s.boarded_at)))
            : h('span', { class: 'manifest__waiting' }, 'Not yet'))
          : ''))));
      if (!rows.length) tableBody.append(h('tr', {}, h('td', { colspan: '5', class: 'manifest__nobody' }, 'Nobody has booked this trip yet.')));
    };
    showEmpty.addEventListener('change', render);

    async function loadManifest() {
      try {
        last = await api(`/admin/trips/${id}/manifest`, { signal });
      } catch (err) {
        if (err.name === 'AbortError' || tripId !== id) return false;
        manifestError.show(err instanceof ApiError && err.status === 404 ? `There is no trip ${id}.` : err.message);
        return false;
      }
      if (tripId !== id) return false;
      manifestError.show(null);
      const t = last.trip;
      tripLine.textContent = `Trip ${t.id}: ${t.source} → ${t.destination}, ${fmt.dateTime(t.departure_time)}${t.bus_name ? ` · ${t.bus_name}${t.bus_type ? ` (${t.bus_type})` : ''}` : ''}`;
      counts.replaceChildren(
        h('span', { class: 'manifest__count' }, h('strong', { 'data-testid': 'boarded-count' }, String(last.boarded)), ` of ${fmt.plural(last.booked, 'passenger')} boarded`),
        h('span', { class: 'manifest__count manifest__count--muted' }, `${fmt.plural((t.total_seats || last.seats.length) - last.booked, 'seat')} empty`));
      render();
      return true;
    }

    csvButton.addEventListener('click', async () => {
      manifestError.show(null);
      try {
        await busy(csvButton, 'Downloading…', () => download(`/admin/trips/${id}/manifest?format=csv`, `manifest-trip-${id}.csv`, { accept: 'text/csv' }));
      } catch (err) {
        manifestError.show(`The CSV could not be downloaded. ${err.message}`);
      }
    });
    refreshButton.addEventListener('click', () => loadManifest());

    const manifest = h('section', { class: 'panel manifest', 'aria-labelledby': 'manifest-title', 'data-testid': 'manifest' },
      h('div', { class: 'panel__head' },
        h('h2', { id: 'manifest-title', class: 'panel__title' }, 'Manifest'),
        h('div', { class: 'manifest__tools' }, refreshButton, csvButton, printButton)),
      tripLine, counts, manifestError,
      // Wider than a phone: keyboard users scroll it too (focusable, named region).
      h('div', { class: 'manifest__scroll', tabindex: '0', role: 'region', 'aria-label': 'Manifest table, scrolls sideways' },
        h('table', { class: 'manifest__table' },
          h('caption', { class: 'sr-only' }, `Passengers of trip ${id}, by seat`),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Seat'), h('th', { scope: 'col' }, 'Passenger'), h('th', { scope: 'col' }, 'Age · gender'),
            h('th', { scope: 'col' }, 'Booking'), h('th', { scope: 'col' }, 'Boarded'))),
          tableBody)),
      h('p', { class: 'manifest__tools manifest__options' },
        showEmpty, h('label', { for: showEmpty.id }, 'Show empty seats')));

    const ok = await loadManifest();
    if (tripId !== id) return;
    clear(workArea);
    if (!ok && !last) {
      workArea.append(manifestError);
      return;
    }
    picker.picked(id);
    workArea.append(h('div', { class: 'boarding__layout' },
      h('section', { class: 'panel boarding__side', 'data-testid': 'checkin' }, checkinForm),
      manifest));
    code.focus();
  }

  if (Number.isInteger(initial) && initial > 0) await openTrip(initial);
  return () => { for (const stop of stoppers.splice(0)) stop(); tripId = null; };
}
