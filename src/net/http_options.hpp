#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "net/client_address.hpp"

namespace seatd::net {

class http_metrics;

// Limits and policies of the HTTP layer (filled from the app's config).
struct http_options {
  std::size_t max_header_bytes = 8u << 10;
  std::size_t max_body_bytes = 1u << 20;    // every route but the upload (route_policy)
  std::size_t max_upload_bytes = 8u << 20;  // routes with body_size::upload, after their check
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{60};       // between requests on a kept-alive connection
  std::chrono::seconds first_byte_timeout{10};  // for the first request's header
  // Connections (HTTP and WebSocket) beyond this are answered 503 and closed at once, so the
  // process never runs out of descriptors for its database, Redis and files.
  std::size_t max_connections = 10000;
  const char* connection_limit_name = "SEATD_MAX_CONNECTIONS";  // what a refusal's warning names
  trusted_proxies proxies;  // whose X-Forwarded-For is believed
  std::vector<std::string> cors_origins;
  bool access_log = true;
  http_metrics* metrics = nullptr;  // every answer is counted there when set
  // Set (by the app, on SIGTERM): every response says Connection: close, so clients and load
  // balancers end their kept-alive connections while the instance drains. Null: never.
  const std::atomic<bool>* closing = nullptr;
};

}  // namespace seatd::net
