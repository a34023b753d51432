#include "api/auth_guard.hpp"

namespace seatd::api {

namespace {

// The token of an "Authorization: Bearer <token>" header; nullopt without one.
std::optional<std::string_view> bearer_token(const net::request& req) {
  auto header = req[net::http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 7235).
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  return header.substr(scheme.size());
}

}  // namespace

std::optional<auth::claims> authenticate(const net::request& req, services& svc) {
  auto token = bearer_token(req);
  if (!token) return std::nullopt;
  // Signature, expiry and revocation, all checked on every request (a remembered token only
  // skips the decoding and the MAC).
  auto c = svc.tokens.verify(*token, svc.clk.now());
  if (!c) return std::nullopt;
  return std::move(*c);
}

bool token_accepted_for(const auth::claims& c, const user& u) {
  if (u.id != c.id || u.email != c.sub) return false;
  // iat counts whole seconds; a token is refused when it was issued wholly before the
  // logout (login issues later tokens with an iat at or after it).
  return c.iat * 1000 >= u.tokens_valid_after_ms;
}

boost::asio::awaitable<std::optional<auth::claims>> authenticate_token(std::string token,
                                                                      services& svc) {
  auto c = svc.tokens.verify(token, svc.clk.now());
  if (!c) co_return std::nullopt;
  auto id = c->id;
  auto u = co_await svc.pool.run([&svc, id] { return svc.db.find_user_by_id(id); });
  if (!u || !token_accepted_for(*c, *u)) co_return std::nullopt;
  co_return std::move(*c);
}

boost::asio::awaitable<std::optional<auth::claims>> authenticate_user(const net::request& req,
                                                                     services& svc) {
  auto token = bearer_token(req);
  if (!token) co_return std::nullopt;
  co_return co_await authenticate_token(std::string(*token), svc);
}

boost::asio::awaitable<std::variant<user, net::response>> require_user(const net::request& req,
                                                                      services& svc,
                                                                      bool admin) {
  auto c = authenticate(req, svc);
  if (!c) co_return net::unauthorized();
  auto id = c->id;
  auto u = co_await svc.pool.run([&svc, id] { return svc.db.find_user_by_id(id); });
  if (!u || !token_accepted_for(*c, *u)) co_return net::unauthorized();
  if (admin && !u->is_admin)
    co_return net::error_response(net::http::status::forbidden, "Admin privileges required");
  co_return std::move(*u);
}

}  // namespace seatd::api
