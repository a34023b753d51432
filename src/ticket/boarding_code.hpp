#pragma once
// The signed boarding code a boarding pass's QR carries: it names a booking and the trip it is
// for, and only this server (anyone holding the same secret) can make one. Text form, short
// enough for a small QR code and typed-by-hand fallback:
//
//     SB1.<booking_number>.<trip_id>.<base64url(first 16 bytes of HMAC-SHA256)>
//
// e.g. SB1.ABC-1A2B3C.42.q9Yk3v0pS2m1Qz8Xc4b7Aw (about 40 characters).
//
// The MAC key is derived from the server secret (HMAC-SHA256(secret, "seatd boarding code v1")),
// never the JWT key itself: a boarding code cannot be turned into a token MAC or back, and
// rotating the derivation label (v2) retires every code without touching logins. 16 bytes of
// tag (128 bits) is far beyond what an offline guess could reach and halves the QR's payload.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "domain/errc.hpp"
#include "domain/model.hpp"

namespace seatd::tickets {

struct boarding_claim {
  std::string booking_number;
  row_id trip_id = 0;

  friend bool operator==(const boarding_claim&, const boarding_claim&) = default;
};

// Longest code verify() looks at; issue() never makes one over this (a 32-character booking
// number and a 19-digit trip id give 79).
inline constexpr std::size_t max_boarding_code_size = 96;
// Booking numbers that fit in a code: 1 to 32 of [A-Z0-9-] (ours are "ABC-" + 6 hex digits).
inline constexpr std::size_t max_booking_number_size = 32;

class boarding_codec {
 public:
  // server_secret: the configured SECRET_KEY bytes (any length, not empty: throws
  // std::invalid_argument, a configuration bug). Only the derived key is kept.
  explicit boarding_codec(std::string_view server_secret);

  // errc::invalid_booking_number for a booking number outside [A-Z0-9-]{1,32}, and for a trip
  // id that is not positive.
  result<std::string> issue(std::string_view booking_number, row_id trip_id) const;
  result<std::string> issue(const boarding_claim& claim) const {
    return issue(claim.booking_number, claim.trip_id);
  }

  // Strict: exactly one textual form is accepted for each claim (no leading zeros, no '+',
  // canonical base64url), the tag is compared in constant time, and each failure has its own
  // ticket::errc (code_empty, code_oversized, code_malformed, code_unknown_version,
  // code_truncated, code_forged). Leading and trailing spaces (a scanner's or a hand's) are
  // ignored; nothing else is.
  result<boarding_claim> verify(std::string_view code) const;

 private:
  struct key;  // the derived 32-byte key, wiped on destruction (boarding_code.cpp)
  std::shared_ptr<const key> key_;  // copies of the codec share it
};

}  // namespace seatd::tickets
