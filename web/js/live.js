// The live seat map's WebSocket client (docs/protocol.md): applies INITIAL_STATE and the seat
// events in seq order, resumes with ?since=<seq>&epoch=<epoch> after a gap or a dropped
// connection (exponential backoff with jitter, capped at 5 s), and sends "ping" every 25 s.
// Signed in, it sends AUTH with the bearer token on every (re)connect: the server then tells
// this viewer its own waiting-list offers (WAITLIST_OFFER), which no other viewer sees.

const PING_MS = 25000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 5000;
// Refusals after which reconnecting cannot help.
const FINAL_CLOSES = new Map([
  [4400, 'This trip number is not valid.'],
  [4404, 'This trip does not exist.'],
]);

export class SeatFeed {
  /**
   * handlers.onSnapshot({locked: [{seat_no,user_id,expires_at}], booked: [n], seq})
   * handlers.onEvent(message)       one event in seq order
   * handlers.onStatus(status, info) 'connecting' | 'live' | 'reconnecting' | 'closed'
   * handlers.onPersonal(message)    AUTH_OK, AUTH_FAILED, WAITLIST_OFFER: about this viewer
   * handlers.token()                the bearer token to identify with, or null
   */
  constructor(tripId, handlers) {
    this.tripId = tripId;
    this.handlers = handlers;
    this.seq = null;
    this.epoch = null;
    this.clockOffset = 0; // server clock minus client clock, ms
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.status = 'connecting';
    this.identified = false;
    this.sentToken = null; // the token of this connection's AUTH
    this.authRetries = 0;
  }

  /** Milliseconds since the epoch on the server's clock, now. */
  serverNow() { return Date.now() + this.clockOffset; }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try { ws.close(1000, 'leaving'); } catch { /* already closed */ }
    }
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const base = `${scheme}://${location.host}/ws/seats/${encodeURIComponent(this.tripId)}`;
    // v=2: a group's holds come as one SEATS_LOCKED with one seq (docs/protocol.md, Versions);
    // v1 sends one SEAT_LOCKED per seat sharing that seq, which the duplicate check would drop.
    const query = { v: '2' };
    if (this.seq !== null && this.epoch) Object.assign(query, { since: String(this.seq), epoch: this.epoch });
    return `${base}?${new URLSearchParams(query)}`;
  }

  setStatus(status, info) {
    this.status = status;
    this.handlers.onStatus?.(status, info);
  }

  open() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send('ping');
      }, PING_MS);
      // With `since`, the server replays what we missed and sends no INITIAL_STATE (maybe
      // nothing at all), so a first ping proves the connection: it is live at the first
      // answer of any kind.
      this.identify(ws);
      ws.send('ping');
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.receive(ev.data);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (FINAL_CLOSES.has(ev.code)) {
        this.stopped = true;
        this.setStatus('closed', FINAL_CLOSES.get(ev.code));
        return;
      }
      this.scheduleReconnect();
    };
    // Errors are followed by a close event; the close handles them.
    ws.onerror = () => {};
  }

  /** AUTH with the current token (none signed out). A server without AUTH ignores it. The
   *  server closes a connection at its sixth JSON message: a token is sent once per
   *  connection, and again only when it changed or the server asked to try again. */
  identify(ws = this.ws) {
    const token = this.handlers.token?.();
    this.identified = Boolean(token);
    this.sentToken = null;
    this.authRetries = 0;
    if (token && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'AUTH', token }));
      this.sentToken = token;
    }
  }

  /** The visitor signed in or out: a new identity is sent; a viewer that was identified and
   *  is not any more starts a new connection (resuming from its seq), which is anonymous. */
  reidentify() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return; // the next open sends it
    const token = this.handlers.token?.();
    if (token && token !== this.sentToken) this.identify();
    else if (!token && this.identified) this.resync();
  }

  /** AUTH_FAILED because the server could not check the token just then: once more, later. */
  authFailed(msg) {
    if (!/try again/.test(String(msg.detail || '')) || this.authRetries >= 2) return;
    this.authRetries += 1;
    const ws = this.ws;
    const token = this.sentToken;
    setTimeout(() => {
      if (ws && ws === this.ws && ws.readyState === WebSocket.OPEN && token === this.handlers.token?.()) {
        ws.send(JSON.stringify({ type: 'AUTH', token }));
      }
    }, 2000);
  }

  markLive() {
    this.attempt = 0;
    if (this.status !== 'live') this.setStatus('live');
  }

  scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.setStatus('reconnecting');
    const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = exp / 2 + Math.random() * (exp / 2); // "equal jitter"
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Drops the connection and resumes from the last applied seq (after a gap). */
  resync() {
    if (!this.ws) return;
    const ws = this.ws;
    this.ws = null;
    ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
    clearInterval(this.pingTimer);
    try { ws.close(1000, 'resync'); } catch { /* closed */ }
    this.attempt = 0;
    this.setStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.open(), 0);
  }

  receive(data) {
    if (typeof data !== 'string') return;
    if (data === 'pong') {
      if (this.seq !== null && this.status !== 'live') this.markLive();
      return;
    }
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if (!msg || typeof msg.type !== 'string') return;

    if (msg.type === 'INITIAL_STATE') {
      if (typeof msg.server_time === 'number') this.clockOffset = msg.server_time - Date.now();
      this.seq = typeof msg.seq === 'number' ? msg.seq : null;
      this.epoch = typeof msg.epoch === 'string' ? msg.epoch : null;
      this.handlers.onSnapshot({
        locked: Array.isArray(msg.locked_seats) ? msg.locked_seats : [],
        booked: Array.isArray(msg.booked_seats) ? msg.booked_seats : null,
        seq: this.seq,
      });
      this.markLive();
      return;
    }

    // Messages for this viewer alone: outside the trip's seq order (WAITLIST_OFFER carries the
    // seq of the lock message it follows, which the duplicate check would drop).
    if (msg.type === 'AUTH_OK' || msg.type === 'AUTH_FAILED' || msg.type === 'WAITLIST_OFFER') {
      if (msg.type === 'AUTH_FAILED') this.authFailed(msg);
      this.handlers.onPersonal?.(msg);
      return;
    }

    if (typeof msg.seq === 'number' && this.seq !== null) {
      if (msg.seq <= this.seq) return; // a duplicate
      if (msg.seq > this.seq + 1) {    // missed something: resume from what we have
        this.resync();
        return;
      }
    }
    if (typeof msg.seq === 'number') this.seq = msg.seq;
    if (msg.type === 'SEATS_LOCKED' && Array.isArray(msg.seat_nos)) {
      // The seat map knows SEAT_LOCKED: the group is each of its seats, one change.
      for (const seat_no of msg.seat_nos) {
        this.handlers.onEvent({ type: 'SEAT_LOCKED', seat_no, user_id: msg.user_id,
                                expires_at: msg.expires_at, seq: msg.seq });
      }
    } else {
      this.handlers.onEvent(msg);
    }
    if (this.status !== 'live') this.markLive();
  }
}
