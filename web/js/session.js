// Who is logged in. The token lives in localStorage; the profile comes from GET /user/me.

import { api, ApiError, tokenStore, onAuthLost } from './api.js';

const subscribers = new Set();
const endedListeners = new Set();
let current = null;
let loading = null;
let checkedAt = 0;
let checking = null;

// How old the profile may be before a page change asks the server again whether the token
// still holds (a restart with a new key, a "log out everywhere" on another device).
const RECHECK_MS = 10000;

function publish() { for (const fn of subscribers) fn(current); }

let endNoticed = false; // concurrent 401s of one lost session are told once

/** The stored token stopped working (a 401 to a request that carried it, or it expired):
 *  signed out now, and told why once. */
function ended() {
  const was = current;
  current = null;
  loading = null;
  publish();
  if (endNoticed) return;
  endNoticed = true;
  for (const fn of endedListeners) fn(was);
}

export const session = {
  get user() { return current; },
  get loggedIn() { return Boolean(current); },
  subscribe(fn) { subscribers.add(fn); return () => subscribers.delete(fn); },
  /** fn(previousUser) when a session ends without the visitor logging out. */
  onEnded(fn) { endedListeners.add(fn); return () => endedListeners.delete(fn); },

  /** Loads the profile for a stored token (once; later calls share the answer). */
  async load(force = false) {
    if (loading && !force) return loading;
    loading = (async () => {
      if (!tokenStore.get()) { current = null; publish(); return null; }
      try {
        current = await api('/user/me');
        checkedAt = Date.now();
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 401) current = null;
        else throw err;
      }
      publish();
      return current;
    })();
    return loading;
  },

  /**
   * Asks the server again, in the background, whether the stored token still holds (at most
   * every RECHECK_MS unless forced). A 401 signs the visitor out through onAuthLost; a token
   * that expired on its own is noticed here too.
   */
  recheck(force = false) {
    if (!current) return null;
    if (!tokenStore.get()) { ended(); return null; }
    if (checking || (!force && Date.now() - checkedAt < RECHECK_MS)) return checking;
    checking = api('/user/me').then((me) => {
      checkedAt = Date.now();
      if (current && me) current = { ...current, ...me };
    }).catch(() => { /* a 401 already signed out; anything else: try again later */ })
      .finally(() => { checking = null; });
    return checking;
  },

  async login(email, password) {
    const res = await api('/auth/login', { method: 'POST', json: { email, password } });
    if (!res || !res.success) throw new ApiError(res && res.message ? `${res.message}.` : 'Login failed.', 200, res);
    tokenStore.set(res.access_token);
    endNoticed = false;
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

onAuthLost(ended);
