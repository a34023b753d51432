#pragma once
// Helpers for the auth unit tests: hand-built tokens with a genuine HS256 MAC, so a test
// that expects rejection fails for the reason it names and not merely for a bad signature.
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/init.hpp"
#include "auth/base64url.hpp"
#include "domain/clock.hpp"

namespace seatd::auth::testing {

inline const std::string test_secret = "0123456789abcdef0123456789abcdef";

inline std::int64_t seconds_of(sys_ms t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline std::string b64(std::string_view s) { return base64url_encode(s); }

// HMAC-SHA256 over `signing_input`, base64url. Key length is free (streaming API).
inline std::string mac_b64(std::string_view secret, std::string_view signing_input) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&st, mac.data());
  return b64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

// Token from already-encoded segments, correctly signed over exactly those segments.
inline std::string forge_raw(std::string_view header_seg, std::string_view payload_seg,
                             std::string_view secret = test_secret) {
  std::string input = std::string(header_seg) + "." + std::string(payload_seg);
  return input + "." + mac_b64(secret, input);
}

// Token from JSON texts, correctly signed.
inline std::string forge(std::string_view header_json, std::string_view payload_json,
                         std::string_view secret = test_secret) {
  return forge_raw(b64(header_json), b64(payload_json), secret);
}

inline constexpr std::string_view std_header = R"({"alg":"HS256","typ":"JWT"})";

// A payload that verifies at manual_clock's default time (exp well in the future).
inline std::string good_payload() {
  return R"({"sub":"a@b.co","id":7,"exp":1900000000,"iat":1800000000,"jti":"abc"})";
}

// Runs libsodium's initialisation once for every auth test binary.
class sodium_environment : public ::testing::Environment {
 public:
  void SetUp() override { seatd::auth::init(); }
};

}  // namespace seatd::auth::testing
