#include "net/message_framing.hpp"

#include <boost/beast/core/string.hpp>

#include <vector>

namespace seatd::net {

framing check_framing(bool has_transfer_encoding, std::string_view transfer_encoding,
                      bool has_content_length) {
  if (!has_transfer_encoding) return framing::ok;
  if (has_content_length) return framing::bad_request;
  std::vector<std::string_view> codings;
  std::string_view rest = transfer_encoding;
  for (;;) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    // Parameters (";q=1") are not allowed on chunked; they make a coding seatd does not know.
    if (!item.empty()) codings.push_back(item);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  auto chunked = [](std::string_view c) { return boost::beast::iequals(c, "chunked"); };
  if (codings.empty() || !chunked(codings.back())) return framing::bad_request;
  for (std::size_t i = 0; i + 1 < codings.size(); ++i)
    if (chunked(codings[i])) return framing::bad_request;  // chunked twice
  if (codings.size() > 1) return framing::not_implemented;  // e.g. "gzip, chunked"
  return framing::ok;
}

}  // namespace seatd::net
