// libFuzzer target: the multipart/form-data reader (net/multipart) that splits schedule uploads.
// Input: a Content-Type header value, a newline, then the body. Every part it returns must lie
// inside the body, and there are never more parts than asked for.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/multipart.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "multipart finding: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  std::string_view content_type = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);

  auto boundary = seatd::net::multipart_boundary(content_type);
  if (boundary && (boundary->empty() || boundary->size() > 70)) finding("boundary out of range");
  // Without a valid header, still exercise the body reader with a fixed boundary.
  const std::string_view b = boundary ? std::string_view(*boundary) : "seatd-fuzz";
  const std::size_t max_parts = 1 + size % 16;
  auto parts = seatd::net::parse_multipart(body, b, max_parts);
  if (!parts) return 0;
  if (parts->size() > max_parts) finding("more parts than max_parts");
  for (const auto& p : *parts) {
    if (p.data.size() > 0 &&
        (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()))
      finding("part data outside the body");
  }
  return 0;
}
