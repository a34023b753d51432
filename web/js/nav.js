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
