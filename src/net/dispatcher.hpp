#pragma once
// Turns one parsed request into one response: CORS (preflight and headers), routing, the
// handler, and the mapping of failures to status codes. A handler's exception never reaches
// the client as a crash: overload and database failures become 503, bugs become 500 (logged).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <functional>
#include <optional>

#include "net/http.hpp"
#include "net/http_options.hpp"
#include "net/router.hpp"
#include "net/static_files.hpp"

namespace seatd::net {

// Checks, from the header alone, that the caller may use a route that needs one (user: a valid
// bearer token; admin: also the user's admin flag). Supplied by the app, which knows tokens and
// users (net depends on neither). nullopt: let the request in; otherwise the answer (401, 403,
// 503). Must not block the calling I/O thread (database lookups go to the worker pool).
using access_check =
    std::function<boost::asio::awaitable<std::optional<response>>(const request&, access)>;

// What the header of a request earned it: the answer to send instead of reading its body, or
// the largest body it may send.
struct admission {
  std::optional<response> refusal;
  std::size_t body_limit = 0;
  std::size_t route = router::no_route;  // the route it matched, for per-route metrics
};

class dispatcher {
 public:
  dispatcher(const router& r, const http_options& opts, const static_files& web)
      : router_(r), opts_(opts), web_(web) {}
  // Set once at startup, before the listener starts.
  void set_access_check(access_check check) { check_ = std::move(check); }

  // Decides on a request whose header (only) has been read: routing errors (404, 405, 422)
  // and the route's access check answer now, before a byte of the body is read.
  boost::asio::awaitable<admission> admit(const request& header) const;
  // peer: the TCP peer (not X-Forwarded-For), for handlers whose access depends on it.
  boost::asio::awaitable<response> dispatch(const request& req, std::string remote,
                                            boost::asio::ip::address peer = {}) const;

 private:
  bool origin_allowed(std::string_view origin) const;
  void add_cors(const request& req, response& res) const;
  response preflight(const request& req, std::string_view path) const;

  const router& router_;
  const http_options& opts_;
  const static_files& web_;
  access_check check_;
};

}  // namespace seatd::net
