// /auth/signup, /auth/login, /auth/logout, /auth/logout-all.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/email.hpp"
#include "auth/random.hpp"
#include "api/auth_guard.hpp"
#include "api/json_fields.hpp"
#include "api/person_name.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"
#include "domain/client_key.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string seconds_header(std::chrono::milliseconds d) {
  // Whole seconds, rounded up, at least 1 (RFC 9110 delay-seconds).
  return std::to_string(std::max<std::int64_t>(1, (d.count() + 999) / 1000));
}

net::response too_many(std::string_view detail, std::chrono::milliseconds retry_after) {
  auto res = net::error_response(status::too_many_requests, detail);
  res.set(net::http::field::retry_after, seconds_header(retry_after));
  return res;
}

// The hashing lane is full: a flood of logins or signups is refused at once instead of
// queueing in front of everyone else (and without a warning per request).
net::response hashing_busy() {
  auto res = net::error_response(status::service_unavailable,
                                 "Too many sign-ins at the moment, please retry shortly");
  res.set(net::http::field::retry_after, "1");
  return res;
}

worker_pool& hash_lane(services& svc) { return svc.hashing ? *svc.hashing : svc.pool; }

// A place for one of this client's hashes on the lane; nullopt when the client already has
// its share in flight (the answer is then 429: this client, not the server, is busy).
std::optional<inflight_limiter::ticket> hash_place(services& svc, const std::string& client) {
  if (!svc.hash_share) return inflight_limiter::ticket{};
  auto t = svc.hash_share->try_enter(client);
  if (!t) return std::nullopt;
  return t;
}

net::response too_many_at_once() {
  return too_many("Too many sign-ins from this address at once, please retry shortly",
                  std::chrono::seconds(1));
}

std::int64_t seconds_of(sys_ms t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

awaitable_response signup(net::request_context& ctx, services& svc) {
  json_fields f(ctx.req.body());
  auto username = f.required_string("username", 1, 64);
  auto email = f.required_string("email", 3, 254);
  auto password = f.required_string("password", 6, 128);
  if (email && !auth::valid_email(*email))
    f.fail("email", "value is not a valid email address", "value_error.email");
  // A name is shown on tickets, seat maps, boarding passes, e-mails and the admin's pages: the
  // same rule as a passenger's name (no control, invisible or bidirectional characters).
  if (username && !printable_name(*username, 64))
    f.fail("username", "username must be printable characters, not only spaces",
           "value_error.str");
  if (password && !auth::acceptable_password(*password))
    f.fail("password", "password must not be only white space", "value_error.password");
  if (!f.ok()) co_return f.error();

  // Every signup costs a full hash: so many per client per hour.
  const std::string client = client_key(ctx.remote);
  if (svc.signup_throttle) {
    if (auto a = svc.signup_throttle->acquire(client, svc.clk.now()); !a)
      co_return too_many("Too many sign-ups from this address, try again later", a.retry_after);
  }

  auto place = hash_place(svc, client);
  if (!place) {
    if (svc.signup_throttle) svc.signup_throttle->refund(client);
    co_return too_many_at_once();
  }
  auto cost = svc.cfg.hash_cost;
  std::string hash;
  bool busy = false;
  try {
    hash = co_await hash_lane(svc).run(
        [&password, cost] { return auth::hash_password(*password, cost); });
  } catch (const pool_busy&) {
    busy = true;
  }
  if (busy) {
    if (svc.signup_throttle) svc.signup_throttle->refund(client);
    co_return hashing_busy();
  }
  auto created = co_await svc.pool.run([&svc, &username, &email, &hash] {
    return svc.db.create_user(new_user{*username, *email, hash, false});
  });
  if (!created) {
    if (created.error() == errc::email_taken)
      co_return net::json_response(status::ok,
                                   {{"success", false}, {"message", "Email already Exists"}});
    throw std::runtime_error("create_user: " + created.error().message());
  }
  co_return net::json_response(status::created,
                               {{"success", true}, {"data", public_user_json(*created)}});
}

awaitable_response login(net::request_context& ctx, services& svc) {
  json_fields f(ctx.req.body());
  auto email = f.required_string("email", 1, 254);
  auto password = f.required_string("password", 1, 128);
  if (!f.ok()) co_return f.error();

  // Attempts are counted per client and per (client, account), and reserved *before* the
  // password is checked: a burst of concurrent guesses cannot all pass a check made before
  // the first of them failed. An attempt that did not fail is given back.
  const std::string account = lower(*email);
  const std::string client = client_key(ctx.remote);
  const std::string pair = client + '|' + account;  // a client key never holds '|'
  auto now = svc.clk.now();
  const char* refused = "Too many failed logins, try again in a few minutes";
  if (auto a = svc.address_throttle.acquire(client, now); !a) co_return too_many(refused, a.retry_after);
  if (auto a = svc.throttle.acquire(pair, now); !a) {
    svc.address_throttle.refund(client);
    co_return too_many(refused, a.retry_after);
  }
  auto give_back = [&svc, &client, &account, &pair](bool succeeded) {
    if (succeeded)
      svc.throttle.reset(pair);
    else
      svc.throttle.refund(pair);
    svc.address_throttle.refund(client);
    if (svc.shared_failures) svc.shared_failures->refund(client, account, succeeded);
  };
  if (svc.shared_failures && !co_await svc.shared_failures->reserve(client, account)) {
    svc.throttle.refund(pair);
    svc.address_throttle.refund(client);
    co_return too_many(refused, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    svc.throttle.policy().window));
  }

  // The database lookup on the worker pool, the hash check on the hashing lane: a flood of
  // logins fills the lane (then 503), never the pool that every other request needs.
  std::optional<user> found;
  try {
    found = co_await svc.pool.run([&svc, &email] { return svc.db.find_user_by_email(*email); });
  } catch (const unavailable_error&) {
    give_back(false);
    throw;
  }
  auto place = hash_place(svc, client);
  if (!place) {
    give_back(false);
    co_return too_many_at_once();
  }
  auto cost = svc.cfg.hash_cost;
  bool ok = false, busy = false;
  try {
    ok = co_await hash_lane(svc).run([&found, &password, cost] {
      // An unknown e-mail is checked against a decoy made with the same cost as real hashes,
      // so the answer takes as long either way and does not tell which e-mails exist.
      return auth::verify_password(found ? found->password_hash : auth::decoy_hash(cost),
                                   *password) &&
             found.has_value();
    });
  } catch (const pool_busy&) {
    busy = true;
  }
  if (busy) {
    give_back(false);
    co_return hashing_busy();
  }
  if (!ok)
    co_return net::json_response(status::ok,
                                 {{"success", false}, {"message", "Invalid email or password"}});
  give_back(true);

  // A token issued right after a "logout everywhere" in the same second must not fall
  // before it: its iat is at least the logout's time, rounded up to the second.
  const std::int64_t valid_after_s = (found->tokens_valid_after_ms + 999) / 1000;
  const std::int64_t now_s = std::max(seconds_of(now), valid_after_s);
  auth::claims c{found->email, found->id,
                 seconds_of(now) +
                     std::chrono::duration_cast<std::chrono::seconds>(svc.cfg.token_lifetime)
                         .count(),
                 now_s, auth::random_token_id()};
  co_return net::json_response(
      status::ok,
      {{"success", true}, {"access_token", svc.jwt.sign(c)}, {"token_type", "bearer"}});
}

awaitable_response logout(net::request_context& ctx, services& svc) {
  auto c = authenticate(ctx.req, svc);
  if (!c) co_return net::unauthorized();
  // Every token carries a jti (the codec refuses one without).
  if (!svc.revoked.add(c->jti, c->exp))
    spdlog::warn("revocations: the list is full; the revocation lapsing soonest was dropped");
  sys_ms expires{std::chrono::seconds{c->exp}};
  const std::string& jti = c->jti;
  co_await svc.pool.run([&svc, &jti, expires] { svc.db.revoke_token(jti, expires); });
  if (svc.announce_revocation) svc.announce_revocation(jti, c->exp);
  co_return net::json_response(status::ok, {{"success", true}, {"message", "Logged out"}});
}

// Ends every session of the caller: tokens issued before now are refused by every route on
// every instance (the time is in the user's row, which each authenticated request loads).
awaitable_response logout_all(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, false);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const row_id id = std::get<user>(who).id;
  const sys_ms now = svc.clk.now();
  const bool ended = co_await svc.pool.run([&svc, id, now] { return svc.db.end_sessions(id, now); });
  if (!ended) co_return net::unauthorized();  // deleted meanwhile
  co_return net::json_response(status::ok,
                               {{"success", true}, {"message", "Logged out everywhere"}});
}

}  // namespace

void add_auth_routes(net::router& r, services& svc) {
  r.add(net::http::verb::post, "/auth/signup",
        [&svc](net::request_context& c) { return signup(c, svc); });
  r.add(net::http::verb::post, "/auth/login",
        [&svc](net::request_context& c) { return login(c, svc); });
  r.add(net::http::verb::post, "/auth/logout",
        [&svc](net::request_context& c) { return logout(c, svc); });
  r.add(net::http::verb::post, "/auth/logout-all",
        [&svc](net::request_context& c) { return logout_all(c, svc); });
}

}  // namespace seatd::api
