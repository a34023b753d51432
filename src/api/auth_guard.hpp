#pragma once
// Who is calling: the bearer token (HS256, verified here; cheap enough for an I/O thread),
// its revocation, and, where a route needs it, the user row (loaded on the worker pool).
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <variant>

#include "api/services.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

// The claims of a valid, unexpired, unrevoked bearer token; nullopt otherwise.
std::optional<auth::claims> authenticate(const net::request& req, services& svc);

// The calling user, or the response to send instead: 401 for a missing/bad token or a user
// that no longer exists; 403 when `admin` is required and the user is not one.
boost::asio::awaitable<std::variant<user, net::response>> require_user(const net::request& req,
                                                                      services& svc,
                                                                      bool admin);

}  // namespace seatd::api
