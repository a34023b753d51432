#include <sodium.h>

#include <array>

#include "auth/random.hpp"
#include "auth/base64url.hpp"

namespace seatd::auth {

// All randomness comes from libsodium's CSPRNG: booking numbers and token ids are
// bearer-like identifiers, so they must not be guessable from earlier ones.

std::string random_token_id() {
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                           bytes.size()));
}

std::string random_booking_number() {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::array<unsigned char, 3> bytes{};  // 3 bytes = exactly 6 hex digits
  randombytes_buf(bytes.data(), bytes.size());
  std::string out = "ABC-";
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0x0F]);
  }
  return out;
}

}  // namespace seatd::auth
