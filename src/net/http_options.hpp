#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace seatd::net {

// Limits and policies of the HTTP layer (filled from the app's config).
struct http_options {
  std::size_t max_header_bytes = 8u << 10;
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_upload_bytes = 8u << 20;
  std::string upload_path_prefix = "/setup/";  // routes that accept max_upload_bytes
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::vector<std::string> cors_origins;
  bool access_log = true;
};

}  // namespace seatd::net
