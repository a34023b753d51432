#pragma once
// A strict multipart/form-data reader (RFC 7578) for uploads. Beast has none, and the one
// use here (a single file field) does not justify a new dependency. Views point into `body`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::net {

struct form_part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view data;
};

// The boundary parameter of a multipart/form-data Content-Type, or nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Splits the body into parts; nullopt when it is not well-formed (missing boundaries, missing
// Content-Disposition, more than max_parts parts).
std::optional<std::vector<form_part>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      std::size_t max_parts = 16);

}  // namespace seatd::net
