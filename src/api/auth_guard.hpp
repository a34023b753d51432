#pragma once
// Who is calling: the bearer token (HS256, verified here; cheap enough for an I/O thread),
// its revocation, and the user row (loaded on the worker pool): every authenticated route
// agrees with /user/me — a deleted user's token, or one issued before the user logged out
// everywhere, is refused on all of them.
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <variant>

#include "api/services.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

// The claims of a valid, unexpired, unrevoked bearer token; nullopt otherwise. The token
// alone: callers acting for a user use authenticate_user or require_user.
std::optional<auth::claims> authenticate(const net::request& req, services& svc);

// Whether the user row still accepts these claims: the user exists with the token's e-mail,
// and the token was not issued before the user's "logout everywhere". Pure.
bool token_accepted_for(const auth::claims& c, const user& u);

// A bearer token that came some other way (a viewer's AUTH on the WebSocket): the same checks
// as authenticate_user — signature, expiry, revocation, then the user row on the worker pool.
// By value: a coroutine keeps no reference to its caller's objects (CP.53).
boost::asio::awaitable<std::optional<auth::claims>> authenticate_token(std::string token,
                                                                      services& svc);

// authenticate, then the user row checked with token_accepted_for: nullopt means 401.
boost::asio::awaitable<std::optional<auth::claims>> authenticate_user(const net::request& req,
                                                                     services& svc);

// The calling user, or the response to send instead: 401 for a missing/bad token or a user
// that no longer exists; 403 when `admin` is required and the user is not one.
boost::asio::awaitable<std::variant<user, net::response>> require_user(const net::request& req,
                                                                      services& svc,
                                                                      bool admin);

}  // namespace seatd::api
