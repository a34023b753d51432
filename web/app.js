// seatd's browser UI: a hash router (API paths such as /trips/5 belong to the API, so pages
// live at #/trip/5), the site header, and the views.

import { h, s, clear } from './js/dom.js';
import { session } from './js/session.js';
import { banner, toast } from './js/ui.js';
import { navigate, loginHref, mayLeave } from './js/nav.js';
import { searchView } from './js/views/search.js';
import { loginView, signupView } from './js/views/auth.js';
import { tripView } from './js/views/trip.js';
import { ticketView, ticketsView } from './js/views/tickets.js';
import { adminView } from './js/views/admin.js';
import { boardingView } from './js/views/boarding.js';

const routes = [
  { pattern: /^\/?$/, view: searchView, nav: 'search' },
  { pattern: /^\/search$/, view: searchView, nav: 'search' },
  { pattern: /^\/login$/, view: loginView, nav: 'login' },
  { pattern: /^\/signup$/, view: signupView, nav: 'signup' },
  { pattern: /^\/trip\/(\d+)$/, view: tripView, nav: 'search' },
  { pattern: /^\/tickets$/, view: ticketsView, nav: 'tickets', auth: true },
  { pattern: /^\/ticket\/([A-Za-z0-9-]{1,40})$/, view: ticketView, nav: 'tickets', auth: true },
  { pattern: /^\/admin$/, view: adminView, nav: 'admin', auth: true },
  { pattern: /^\/admin\/boarding$/, view: boardingView, nav: 'boarding', auth: true },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path, query: new URLSearchParams(qs), hash: `#${raw}` };
}


// ---- header ----------------------------------------------------------------------------
// One row at every width. On a phone the pinned items (the logo, My tickets, the avatar, or
// Log in / Sign up) stay in the row and the rest folds into a menu behind an accessible
// button (aria-expanded, Escape and a click outside close it); from 721 px up the same items
// stand in the row and the button is not shown.

let activeNav = '';
let menuOpen = false;

function navLink(href, label, key, extraClass) {
  return h('a', { href, class: ['site-nav__link', extraClass], 'aria-current': activeNav === key ? 'page' : null }, label);
}

function menuIcon() {
  return s('svg', { class: 'icon', viewBox: '0 0 20 20', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: 'M3 5.5h14M3 10h14M3 14.5h14' }));
}

function setMenu(open) {
  menuOpen = open;
  const nav = document.getElementById('site-nav');
  nav.classList.toggle('is-open', open);
  const toggle = nav.querySelector('.site-nav__toggle');
  if (toggle) toggle.setAttribute('aria-expanded', String(open));
}

function renderNav() {
  const nav = document.getElementById('site-nav');
  const user = session.user;
  menuOpen = false;
  nav.classList.remove('is-open');
  nav.classList.toggle('site-nav--guest', !user);
  const search = navLink('#/', 'Search', 'search', 'site-nav__link--search');
  if (!user) {
    clear(nav).append(search,
      navLink(loginHref(), 'Log in', 'login', 'site-nav__link--login'),
      h('a', { href: '#/signup', class: 'button button--small site-nav__signup', 'aria-current': activeNav === 'signup' ? 'page' : null }, 'Sign up'));
    return;
  }
  const logout = h('button', {
    type: 'button', class: 'button button--ghost button--small site-nav__logout',
    onclick: async () => {
      await session.logout();
      toast('You are logged out.');
      navigate('#/');
    },
  }, 'Log out');
  const menu = h('div', { class: 'site-nav__menu', id: 'site-menu' },
    search,
    user.is_admin ? [navLink('#/admin', 'Dashboard', 'admin', 'site-nav__link--admin'),
      navLink('#/admin/boarding', 'Boarding', 'boarding', 'site-nav__link--boarding')] : null,
    h('p', { class: 'site-nav__signed-in' }, 'Logged in as ', h('strong', {}, user.username || user.email)),
    logout);
  const toggle = h('button', {
    type: 'button', class: 'button button--icon site-nav__toggle',
    'aria-expanded': 'false', 'aria-controls': 'site-menu', 'aria-label': 'Menu',
    onclick: () => {
      setMenu(!menuOpen);
      if (menuOpen) menu.querySelector('a, button')?.focus();
    },
  }, menuIcon());
  clear(nav).append(
    navLink('#/tickets', 'My tickets', 'tickets', 'site-nav__link--tickets'),
    h('span', { class: 'site-nav__user', 'data-testid': 'current-user' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, (user.username || user.email || '?').trim().charAt(0).toUpperCase()),
      h('span', { class: 'site-nav__name' }, user.username || user.email)),
    toggle, menu);
}

document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape' || !menuOpen) return;
  setMenu(false);
  document.querySelector('.site-nav__toggle')?.focus();
});
document.addEventListener('click', (ev) => {
  if (menuOpen && !document.getElementById('site-nav').contains(ev.target)) setMenu(false);
});

// A session that ends by itself (seatd restarted with a new key, the token expired or was
// revoked elsewhere): the header is already signed out; say so, and leave pages that need it.
session.onEnded(() => {
  toast('You have been logged out: your session ended (seatd may have restarted). Please log in again.', 'error', 8000);
  const { path, hash } = parseHash();
  const route = routes.find((r) => r.pattern.test(path));
  if (route && route.auth) navigate(loginHref(hash), { replace: true });
});

// ---- router ---------------------------------------------------------------------------

let cleanup = null;
let controller = null;
let renderCount = 0;

async function render() {
  // The page being left may ask first (seats held on the trip page): it keeps the address.
  // The address is read now: by the time mayLeave answers, a page being left may have
  // rewritten it (replaceState), and that must not redirect this navigation.
  const target = parseHash();
  if (!(await mayLeave(location.href))) return;
  const { path, query, hash } = target;
  const route = routes.find((r) => r.pattern.test(path));
  if (cleanup) {
    try { cleanup(); } catch (err) { console.warn(err); }
    cleanup = null;
  }
  if (controller) controller.abort();
  controller = new AbortController();
  banner(null);
  const main = document.getElementById('main');
  const myRender = ++renderCount;
  activeNav = route ? route.nav : '';
  renderNav();

  if (!route) {
    document.title = 'Page not found · seatd';
    clear(main).append(h('h1', { class: 'page-title', tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', h('a', { href: '#/' }, 'Search for trips'), '.'));
    return;
  }
  // A page change asks again whether the token still holds (in the background: the page does
  // not wait), so a header never shows someone seatd no longer knows for long.
  if (renderCount > 1) session.recheck();
  try {
    await session.load();
  } catch {
    // seatd unreachable: the view shows its own error when it calls the API.
  }
  if (myRender !== renderCount) return;
  if (route.auth && !session.user) {
    navigate(loginHref(hash), { replace: true });
    return;
  }
  const params = path.match(route.pattern).slice(1);
  clear(main);
  main.setAttribute('aria-busy', 'true');
  try {
    const result = await route.view({ main, params, query, signal: controller.signal, hash });
    if (myRender !== renderCount) {
      if (typeof result === 'function') result();
      return;
    }
    cleanup = typeof result === 'function' ? result : null;
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (myRender !== renderCount) return;
    clear(main).append(h('h1', { class: 'page-title', tabindex: '-1' }, 'Something went wrong'),
      h('p', { class: 'form-error', role: 'alert' }, err && err.message ? err.message : String(err)),
      h('p', {}, h('a', { href: '#/' }, 'Back to search')));
  }
  main.removeAttribute('aria-busy');
  const title = main.querySelector('h1');
  // Move focus to the new page's heading (screen readers announce it), but not on first load.
  if (title && renderCount > 1 && !main.contains(document.activeElement)) title.focus({ preventScroll: true });
  if (renderCount > 1) window.scrollTo(0, 0);
}

session.subscribe(() => renderNav());
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') session.recheck(); });
window.addEventListener('hashchange', render);
window.addEventListener('seatd:navigate', render);
render();
