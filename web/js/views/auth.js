// Log in and sign up.

import { h, s } from '../dom.js';
import { session } from '../session.js';
import { pageTitle, errorBox, field, busy, toast } from '../ui.js';
import { navigate } from '../nav.js';

function nextHash(query) {
  const next = query.get('next');
  // Only our own pages: a hash route, never another origin.
  return next && /^#\/[^/]/.test(next) && !/^#\/(login|signup)/.test(next) ? next : '#/';
}

/** The password box with a "Show password" button beside it: a real toggle button
 *  (aria-pressed) that keeps its name, so a screen reader hears "Show password, pressed". */
function passwordField(label, input, hint) {
  const eye = s('svg', { class: 'icon', viewBox: '0 0 20 20', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: 'M1.5 10s3-6 8.5-6 8.5 6 8.5 6-3 6-8.5 6-8.5-6-8.5-6zM10 7.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5' }));
  // The name stays "Show password"; aria-pressed says whether it is shown (a name that flips to
  // "Hide" as well would read "Hide password, pressed").
  const toggle = h('button', {
    type: 'button', class: 'button button--ghost button--small password__toggle', 'aria-pressed': 'false',
    onclick: () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.setAttribute('aria-pressed', String(show));
    },
  }, eye, 'Show', h('span', { class: 'sr-only' }, ' password'));
  const box = field(label, input, hint);
  toggle.setAttribute('aria-controls', input.id);
  const wrap = h('div', { class: 'password' });
  input.replaceWith(wrap);
  wrap.append(input, toggle);
  return box;
}

/** Where the visitor was going, in words for the login page's lead. */
function reason(next) {
  if (/^#\/tickets?(\/|$)/.test(next)) return 'Log in to see your tickets.';
  if (/^#\/admin/.test(next)) return 'Log in with an operator account to open this page.';
  if (/^#\/trip\//.test(next)) return 'Log in to hold seats and book.';
  return 'Log in to continue.';
}

function alreadyIn(main) {
  main.append(pageTitle('You are logged in'),
    h('p', {}, `Logged in as ${session.user.username || session.user.email}. `,
      h('a', { href: '#/' }, 'Search for trips'), ' or see ', h('a', { href: '#/tickets' }, 'your tickets'), '.'));
}

export function loginView({ main, query }) {
  if (session.user) return alreadyIn(main);
  const next = nextHash(query);
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, inputmode: 'email' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'button button--block' }, 'Log in');
  const form = h('form', { class: 'card auth-card', novalidate: true, 'aria-labelledby': 'login-title' },
    error,
    field('Email', email),
    passwordField('Password', password),
    submit,
    h('p', { class: 'auth-card__alt' }, 'New to seatd? ',
      h('a', { href: `#/signup${next !== '#/' ? `?next=${encodeURIComponent(next)}` : ''}` }, 'Create an account')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.show(null);
    if (!email.value.trim() || !password.value) {
      error.show('Enter your email and password.');
      (email.value.trim() ? password : email).focus();
      return;
    }
    try {
      await busy(submit, 'Logging in…', () => session.login(email.value.trim(), password.value));
      toast(`Welcome back, ${session.user.username || session.user.email}.`, 'success');
      navigate(next, { replace: true });
    } catch (err) {
      error.show(err.message);
      password.select();
      password.focus();
    }
  });
  const title = pageTitle('Log in');
  title.id = 'login-title';
  main.append(h('div', { class: 'auth-layout' }, title,
    h('p', { class: 'lead', 'data-testid': 'login-reason' }, query.get('next') ? reason(next) : 'Welcome back.'),
    form));
  email.focus();
}

export function signupView({ main, query }) {
  if (session.user) return alreadyIn(main);
  const next = nextHash(query);
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'name', required: true, maxlength: '64' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true, inputmode: 'email' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '6', maxlength: '128' });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'button button--block' }, 'Create account');
  const form = h('form', { class: 'card auth-card', novalidate: true, 'aria-labelledby': 'signup-title' },
    error,
    field('Your name', username),
    field('Email', email),
    passwordField('Password', password, 'At least 6 characters.'),
    submit,
    h('p', { class: 'auth-card__alt' }, 'Already have an account? ',
      h('a', { href: `#/login${next !== '#/' ? `?next=${encodeURIComponent(next)}` : ''}` }, 'Log in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.show(null);
    const problems = [];
    if (!username.value.trim()) problems.push([username, 'Enter your name.']);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.value.trim())) problems.push([email, 'Enter an email address like name@example.com.']);
    if (password.value.length < 6) problems.push([password, 'Choose a password of at least 6 characters.']);
    if (problems.length) {
      error.show(problems.map((p) => p[1]).join(' '));
      problems[0][0].focus();
      return;
    }
    try {
      await busy(submit, 'Creating account…', () => session.signup(username.value.trim(), email.value.trim(), password.value));
      toast(`Welcome to seatd, ${session.user.username}.`, 'success');
      navigate(next, { replace: true });
    } catch (err) {
      error.show(err.message);
    }
  });
  const title = pageTitle('Create your account');
  title.id = 'signup-title';
  main.append(h('div', { class: 'auth-layout' }, title,
    h('p', { class: 'lead' }, 'Pick your seats live and keep your tickets in one place.'), form));
  username.focus();
}
