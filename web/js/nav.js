// Navigation between hash routes (the router in app.js listens for these changes).

export function currentHash() {
  return location.hash || '#/';
}

export function navigate(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', hash);
    window.dispatchEvent(new Event('seatd:navigate'));
  } else if (location.hash === hash) {
    window.dispatchEvent(new Event('seatd:navigate'));
  } else {
    location.hash = hash;
  }
}

export function loginHref(next) {
  return `#/login?next=${encodeURIComponent(next || currentHash())}`;
}

// A page that must not be left silently (the trip page while seats are held) registers a
// guard: the router asks it before leaving the page, with the address it is going to. The
// guard answers true (leave) or false (stay: the router renders nothing).
let leaveGuard = null;

export function setLeaveGuard(fn) {
  leaveGuard = fn;
  return () => { if (leaveGuard === fn) leaveGuard = null; };
}

export async function mayLeave(target) {
  if (!leaveGuard) return true;
  try {
    return await leaveGuard(target);
  } catch {
    return true;
  }
}
