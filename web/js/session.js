// Who is logged in. The token lives in localStorage; the profile comes from GET /user/me.

import { api, ApiError, tokenStore, onAuthLost } from './api.js';

const subscribers = new Set();
let current = null;
let loading = null;

function publish() { for (const fn of subscribers) fn(current); }

export const session = {
  get user() { return current; },
  get loggedIn() { return Boolean(current); },
  subscribe(fn) { subscribers.add(fn); return () => subscribers.delete(fn); },

  /** Loads the profile for a stored token (once; later calls share the answer). */
  async load(force = false) {
    if (loading && !force) return loading;
    loading = (async () => {
      if (!tokenStore.get()) { current = null; publish(); return null; }
      try {
        current = await api('/user/me');
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 401) current = null;
        else throw err;
      }
      publish();
      return current;
    })();
    return loading;
  },

  async login(email, password) {
    const res = await api('/auth/login', { method: 'POST', json: { email, password } });
    if (!res || !res.success) throw new ApiError(res && res.message ? `${res.message}.` : 'Login failed.', 200, res);
    tokenStore.set(res.access_token);
    return this.load(true);
  },

  async signup(username, email, password) {
    const res = await api('/auth/signup', { method: 'POST', json: { username, email, password } });
    if (!res || !res.success) {
      const msg = res && res.message === 'Email already Exists'
        ? 'An account with this email already exists. Log in instead?'
        : (res && res.message) || 'Sign up failed.';
      throw new ApiError(msg, 200, res);
    }
    return this.login(email, password);
  },

  async logout() {
    try {
      if (tokenStore.get()) await api('/auth/logout', { method: 'POST' });
    } catch {
      // The token is forgotten either way.
    }
    tokenStore.clear();
    current = null;
    loading = null;
    publish();
  },

  /** Merges a profile change (the booking saves gender/age/phone) without a round trip. */
  update(fields) {
    if (!current) return;
    current = { ...current, ...fields };
  },
};

onAuthLost(() => {
  current = null;
  loading = null;
  publish();
});
