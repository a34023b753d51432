// Formatting of the API's values: ISO local date-times without zone ("2026-11-30T21:00:00"),
// whole-rupee prices.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses "YYYY-MM-DDTHH:MM[:SS]" as a wall-clock time (no zone conversion). */
export function parseLocal(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso || '');
  if (!m) return null;
  return new Date(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
}

const pad = (n) => String(n).padStart(2, '0');

export function time(iso) {
  const d = parseLocal(iso);
  return d ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : '';
}

export function date(iso) {
  const d = parseLocal(iso);
  return d ? `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}` : '';
}

export function shortDate(iso) {
  const d = parseLocal(iso);
  return d ? `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}` : '';
}

export function dateTime(iso) {
  return `${date(iso)}, ${time(iso)}`;
}

/** "9h 30m" between two ISO local times. */
export function duration(fromIso, toIso) {
  const a = parseLocal(fromIso);
  const b = parseLocal(toIso);
  if (!a || !b) return '';
  const minutes = Math.max(0, Math.round((b - a) / 60000));
  const hh = Math.floor(minutes / 60);
  const mm = minutes % 60;
  return hh ? (mm ? `${hh}h ${mm}m` : `${hh}h`) : `${mm}m`;
}

/** Today's date as YYYY-MM-DD in local time (for <input type=date>). */
export function isoDay(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const rupees = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });
export function money(amount) {
  return `₹${rupees.format(Math.round(Number(amount) || 0))}`;
}

/** "2:05" for 125 s; never negative. Rounded to the nearest second: rounding up would show
 *  a fresh 3-second hold as "0:04" after a millisecond of network delay. */
export function countdown(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(total / 60)}:${pad(total % 60)}`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function seatList(seats) {
  const sorted = [...seats].sort((a, b) => a - b);
  if (sorted.length <= 1) return sorted.join('');
  return `${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
}
