// The HTTP side of seatd's API: one fetch wrapper that adds the bearer token and turns every
// failure into an ApiError whose message can be shown to a person as it is.

const TOKEN_KEY = 'seatd.token';

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

function decodeJwtPayload(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
  } catch {
    return null;
  }
}

export const tokenStore = {
  get() {
    const token = localStorage.getItem(TOKEN_KEY);
    if (!token) return null;
    // An expired token would only earn a 401: forget it now.
    const payload = decodeJwtPayload(token);
    if (!payload || (payload.exp && payload.exp * 1000 <= Date.now())) {
      localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return token;
  },
  set(token) { localStorage.setItem(TOKEN_KEY, token); },
  clear() { localStorage.removeItem(TOKEN_KEY); },
};

const FIELD_NAMES = {
  email: 'Email', password: 'Password', username: 'Name', age: 'Age', gender: 'Gender',
  phone_number: 'Phone number', seat_numbers: 'Seats', source: 'From', destination: 'To',
  travel_date: 'Date', file: 'File', trip_id: 'Trip', name: 'Name', seat_no: 'Seat',
  passengers: 'Passengers', code: 'Code',
};

function sentence(text) {
  const t = String(text).trim();
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

/** A person-readable message from an error body ({"detail": ...}) and HTTP status. */
export function messageFrom(body, status) {
  const detail = body && typeof body === 'object' ? body.detail ?? body.message : null;
  if (typeof detail === 'string' && detail) return sentence(detail.endsWith('.') ? detail : `${detail}.`);
  if (Array.isArray(detail) && detail.length) {
    return detail.map((item) => {
      const loc = Array.isArray(item.loc) ? item.loc[item.loc.length - 1] : '';
      const field = FIELD_NAMES[loc] || (loc ? sentence(String(loc).replace(/_/g, ' ')) : '');
      return field ? `${field}: ${item.msg}.` : `${sentence(item.msg)}.`;
    }).join(' ');
  }
  switch (status) {
    case 401: return 'Please log in to continue.';
    case 403: return 'Your account is not allowed to do that.';
    case 404: return 'We could not find that.';
    case 413: return 'That file is too large.';
    case 429: return 'Too many attempts. Please wait a few minutes and try again.';
    default:
      if (status >= 500) return 'seatd could not complete the request just now. Please try again in a moment.';
      return `The request failed (status ${status}).`;
  }
}

const listeners = new Set();
/** Called when the server rejects the token we sent (it expired, was revoked, or seatd
 *  restarted with another key): whatever the request was, the visitor is signed out now, not
 *  when they next try something that needs the account. */
export function onAuthLost(fn) { listeners.add(fn); }

function authLost(sentToken) {
  // A 401 to a request that carried no token (a wrong password) is not a lost session.
  if (!sentToken) return;
  tokenStore.clear();
  for (const fn of listeners) fn();
}

/**
 * api('/trips/search?...'), api('/bookings/', {method: 'POST', json: {...}}),
 * api('/setup/seed-schedule', {method: 'POST', form: formData}).
 */
export async function api(path, { method = 'GET', json, form, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal, cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError('seatd cannot be reached. Check your connection and try again.', 0, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    if (res.status === 401) authLost(Boolean(token));
    throw new ApiError(messageFrom(data, res.status), res.status, data);
  }
  return data;
}

/**
 * Fetches a file that needs the bearer token (a PDF ticket, a CSV manifest) and hands it to the
 * browser as a download named `filename`. The token lives in localStorage, not in a cookie, so
 * a plain link could not carry it: the bytes come through fetch and leave as a blob: URL.
 * Resolves to {type, size}; failures throw an ApiError like api().
 */
export async function download(path, filename, { accept = '*/*', signal } = {}) {
  const headers = { Accept: accept };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { headers, signal, cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError('seatd cannot be reached. Check your connection and try again.', 0, null);
  }
  if (!res.ok) {
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = text; }
    if (res.status === 401) authLost(Boolean(token));
    throw new ApiError(messageFrom(data, res.status), res.status, data);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL; let it go after the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return { type: blob.type, size: blob.size };
}
