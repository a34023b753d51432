#pragma once
// The ticket layer's expected failures, as error codes in their own category ("seatd.ticket"),
// so a caller can tell a forged boarding code from a mail server that is down without parsing
// text. Bugs (a broken invariant, an empty server secret) throw instead.
#include <boost/system/error_code.hpp>

#include <type_traits>

#include "domain/errc.hpp"

namespace seatd::tickets {

enum class errc {
  ok = 0,
  // boarding_code::verify: each way a code can be wrong has its own value, so the check-in
  // desk can say "that is not one of our codes" apart from "this code was tampered with".
  code_empty,            // nothing scanned
  code_oversized,        // longer than any code issue() makes: refused before parsing
  code_malformed,        // not SB<n>.<booking>.<trip>.<mac> with valid characters
  code_unknown_version,  // a prefix other than SB1
  code_truncated,        // the MAC part is shorter than a full (16-byte) tag
  code_forged,           // well formed, but the MAC does not match
  invalid_booking_number,  // issue(): not a booking number that fits in a code
  // qr_code
  qr_input_too_long,  // over max_qr_input bytes
  qr_encode_failed,   // libqrencode refused (out of memory, data beyond version 40)
  // boarding_pass_pdf
  pdf_render_failed,  // libharu reported an error (its codes are in the message detail)
  pdf_font_unusable,  // the Unicode font file exists but libharu cannot load it
  // mime_message
  header_injection,  // CR or LF in a header value: refused, never silently sent
  invalid_address,   // not a plain ASCII addr-spec local@domain
  invalid_header,    // a Message-ID, file name or content type outside its safe syntax
  // mail_sender
  mail_retryable,  // connection refused, timeout, 4xx reply: try again later
  mail_permanent,  // 5xx reply: this message will not be accepted as it is
  mail_invalid,    // the mail or the sender's settings cannot be sent at all (a bug or config)
};

const boost::system::error_category& ticket_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), ticket_category()};
}

}  // namespace seatd::tickets

namespace boost::system {
template <>
struct is_error_code_enum<seatd::tickets::errc> : std::true_type {};
}  // namespace boost::system
