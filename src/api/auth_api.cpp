// /auth/signup, /auth/login, /auth/logout.
#include "api/auth_guard.hpp"
#include "api/json_fields.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

awaitable_response signup(net::request_context& ctx, services& svc) {
  json_fields f(ctx.req.body());
  auto username = f.required_string("username", 1, 64);
  auto email = f.required_string("email", 3, 254);
  auto password = f.required_string("password", 6, 128);
  if (email && !auth::valid_email(*email))
    f.fail("email", "value is not a valid email address", "value_error.email");
  if (!f.ok()) co_return f.error();

  auto cost = svc.cfg.hash_cost;
  auto created = co_await svc.pool.run([&svc, &username, &email, &password, cost] {
    new_user nu{*username, *email, auth::hash_password(*password, cost), false};
    return svc.db.create_user(nu);
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

  auto key = lower(*email);
  auto now = svc.clk.now();
  bool allowed = svc.throttle.allowed(key, now) && svc.address_throttle.allowed(ctx.remote, now);
  if (allowed && svc.shared_failures)
    allowed = co_await svc.shared_failures->allowed(key, std::string(ctx.remote));
  if (!allowed) {
    auto res = net::error_response(status::too_many_requests,
                                   "Too many failed logins, try again in a few minutes");
    res.set(net::http::field::retry_after, "300");
    co_return res;
  }

  auto found = co_await svc.pool.run([&svc, &email, &password]() -> std::optional<user> {
    auto u = svc.db.find_user_by_email(*email);
    // Verify against a dummy hash when the user is unknown, so the answer takes as long
    // either way and does not reveal which emails exist.
    static const std::string dummy = auth::hash_password("not-a-password", auth::test_cost());
    bool ok = auth::verify_password(u ? u->password_hash : dummy, *password);
    if (!u || !ok) return std::nullopt;
    return u;
  });
  if (!found) {
    svc.throttle.record_failure(key, now);
    svc.address_throttle.record_failure(ctx.remote, now);
    if (svc.shared_failures) svc.shared_failures->record_failure(key, std::string(ctx.remote));
    co_return net::json_response(status::ok,
                                 {{"success", false}, {"message", "Invalid email or password"}});
  }
  svc.throttle.record_success(key);
  if (svc.shared_failures) svc.shared_failures->record_success(key);

  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auth::claims c{found->email, found->id,
                 now_s + std::chrono::duration_cast<std::chrono::seconds>(svc.cfg.token_lifetime)
                             .count(),
                 now_s, auth::random_token_id()};
  co_return net::json_response(
      status::ok,
      {{"success", true}, {"access_token", svc.jwt.sign(c)}, {"token_type", "bearer"}});
}

awaitable_response logout(net::request_context& ctx, services& svc) {
  auto c = authenticate(ctx.req, svc);
  if (!c) co_return net::unauthorized();
  // Tokens from before jti existed cannot be revoked individually; all seatd tokens carry one.
  if (!c->jti.empty()) {
    svc.revoked.add(c->jti, c->exp);
    sys_ms expires{std::chrono::seconds{c->exp}};
    const std::string& jti = c->jti;
    co_await svc.pool.run([&svc, &jti, expires] { svc.db.revoke_token(jti, expires); });
    if (svc.announce_revocation) svc.announce_revocation(jti, c->exp);
  }
  co_return net::json_response(status::ok, {{"success", true}, {"message", "Logged out"}});
}

}  // namespace

void add_auth_routes(net::router& r, services& svc) {
  r.add(net::http::verb::post, "/auth/signup",
        [&svc](net::request_context& c) { return signup(c, svc); });
  r.add(net::http::verb::post, "/auth/login",
        [&svc](net::request_context& c) { return login(c, svc); });
  r.add(net::http::verb::post, "/auth/logout",
        [&svc](net::request_context& c) { return logout(c, svc); });
}

}  // namespace seatd::api
