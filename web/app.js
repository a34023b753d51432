// seatd's browser UI: a hash router (API paths such as /trips/5 belong to the API, so pages
// live at #/trip/5), the site header, and the views.

import { h, clear } from './js/dom.js';
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


// ---- header ---------------------------------------------------------------------------

let activeNav = '';

function navLink(href, label, key) {
  return h('a', { href, class: 'site-nav__link', 'aria-current': activeNav === key ? 'page' : null }, label);
}

function renderNav() {
  const nav = document.getElementById('site-nav');
  const user = session.user;
  const items = [navLink('#/', 'Search', 'search')];
  if (user) {
    items.push(navLink('#/tickets', 'My tickets', 'tickets'));
    if (user.is_admin) items.push(navLink('#/admin', 'Dashboard', 'admin'), navLink('#/admin/boarding', 'Boarding', 'boarding'));
    items.push(h('span', { class: 'site-nav__user', 'data-testid': 'current-user' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, (user.username || user.email || '?').trim().charAt(0).toUpperCase()),
      h('span', { class: 'site-nav__name' }, user.username || user.email)));
    items.push(h('button', {
      type: 'button', class: 'button button--ghost button--small',
      onclick: async () => {
        await session.logout();
        toast('You are logged out.');
        navigate('#/');
      },
    }, 'Log out'));
  } else {
    items.push(navLink(loginHref(), 'Log in', 'login'));
    items.push(h('a', { href: '#/signup', class: 'button button--small', 'aria-current': activeNav === 'signup' ? 'page' : null }, 'Sign up'));
  }
  clear(nav).append(...items);
}

// ---- router ---------------------------------------------------------------------------

let cleanup = null;
let controller = null;
let renderCount = 0;

async function render() {
  // The page being left may ask first (seats held on the trip page): it keeps the address.
  if (!(await mayLeave(location.href))) return;
  const { path, query, hash } = parseHash();
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
window.addEventListener('hashchange', render);
window.addEventListener('seatd:navigate', render);
render();
