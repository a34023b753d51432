#pragma once
// Turns one parsed request into one response: CORS (preflight and headers), routing, the
// handler, and the mapping of failures to status codes. A handler's exception never reaches
// the client as a crash: overload and database failures become 503, bugs become 500 (logged).
#include <boost/asio/awaitable.hpp>

#include "net/http.hpp"
#include "net/http_options.hpp"
#include "net/router.hpp"
#include "net/static_files.hpp"

namespace seatd::net {

class dispatcher {
 public:
  dispatcher(const router& r, const http_options& opts, const static_files& web)
      : router_(r), opts_(opts), web_(web) {}
  boost::asio::awaitable<response> dispatch(const request& req, std::string remote) const;

 private:
  bool origin_allowed(std::string_view origin) const;
  void add_cors(const request& req, response& res) const;
  response preflight(const request& req, std::string_view path) const;

  const router& router_;
  const http_options& opts_;
  const static_files& web_;
};

}  // namespace seatd::net
