#pragma once
// Whether a request's body length can be trusted (RFC 9112 section 6). Beast accepts a
// Transfer-Encoding it does not apply ("gzip", "identity", "xchunked") as "no body" and then
// parses the body as the next request: request smuggling when a proxy in front reads it
// differently. So seatd decides from the header alone, before reading any body:
//   - Transfer-Encoding whose final coding is not chunked, chunked applied twice, or both
//     Transfer-Encoding and Content-Length: 400, the length cannot be determined;
//   - any coding other than chunked (which seatd does not decode): 501.
// Either way the connection closes. Pure.
#include <string_view>

namespace seatd::net {

enum class framing { ok, bad_request, not_implemented };

// transfer_encoding: every Transfer-Encoding field's value joined with commas (empty and
// has_transfer_encoding false when there is none).
framing check_framing(bool has_transfer_encoding, std::string_view transfer_encoding,
                      bool has_content_length);

}  // namespace seatd::net
