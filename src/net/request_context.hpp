#pragma once
// What a handler sees of one HTTP request.
#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>

#include "net/http.hpp"
#include "net/router.hpp"

namespace seatd::net {

struct request_context {
  const request& req;
  route_params params;
  std::string_view path;   // decoded-free path part of the target
  std::string_view query;  // raw query string (without '?')
  std::string remote;      // client address, for logs and rate limits
  // The TCP peer itself, never taken from X-Forwarded-For: for what only a local caller may
  // use (GET /metrics on the public port).
  boost::asio::ip::address peer;

  // The query parameter `name`, percent-decoded; empty optional when absent.
  std::optional<std::string> query_param(std::string_view name) const;
};

}  // namespace seatd::net
