#include "ticket/boarding_code.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "auth/base64url.hpp"
#include "ticket/errc.hpp"

namespace seatd::tickets {

namespace {

constexpr std::string_view prefix = "SB1";
// Changing this label (with the prefix) retires every code issued so far.
constexpr std::string_view derivation_label = "seatd boarding code v1";
constexpr std::size_t tag_size = 16;
// base64url of 16 bytes, unpadded.
constexpr std::size_t tag_text_size = 22;

bool valid_booking_number(std::string_view s) {
  if (s.empty() || s.size() > max_booking_number_size) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The canonical decimal form of a positive int64: digits only, no leading zero.
std::optional<row_id> parse_trip_id(std::string_view s) {
  if (s.empty() || s.size() > 19 || s.front() == '0') return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  row_id v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;  // beyond int64
  return v;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

struct boarding_codec::key {
  std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> bytes{};

  explicit key(std::string_view secret) {
    // HMAC accepts a key of any length through the streaming API (the one-shot
    // crypto_auth_hmacsha256 wants exactly 32 bytes); its output is the derived key.
    static_assert(crypto_auth_hmacsha256_BYTES == crypto_auth_hmacsha256_KEYBYTES);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(
        &st, reinterpret_cast<const unsigned char*>(derivation_label.data()),
        derivation_label.size());
    crypto_auth_hmacsha256_final(&st, bytes.data());
    sodium_memzero(&st, sizeof st);
  }
  ~key() { sodium_memzero(bytes.data(), bytes.size()); }
  key(const key&) = delete;
  key& operator=(const key&) = delete;

  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac(std::string_view message) const {
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
    crypto_auth_hmacsha256(out.data(), reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), bytes.data());
    return out;
  }
};

boarding_codec::boarding_codec(std::string_view server_secret) {
  if (server_secret.empty()) throw std::invalid_argument("boarding_codec: empty server secret");
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
  key_ = std::make_shared<const key>(server_secret);
}

result<std::string> boarding_codec::issue(std::string_view booking_number,
                                          row_id trip_id) const {
  if (!valid_booking_number(booking_number) || trip_id <= 0) {
    return make_error_code(errc::invalid_booking_number);
  }
  std::string code;
  code.reserve(max_boarding_code_size);
  code += prefix;
  code += '.';
  code += booking_number;
  code += '.';
  code += std::to_string(trip_id);
  const auto mac = key_->mac(code);
  code += '.';
  code += auth::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(mac.data()), tag_size));
  return code;
}

result<boarding_claim> boarding_codec::verify(std::string_view code) const {
  // The size is checked before anything else looks at the input, so a hostile scan costs
  // at most one pass over 96 bytes (the longest code issued is 79: room for stray spaces).
  if (code.size() > max_boarding_code_size) return make_error_code(errc::code_oversized);
  code = trim_spaces(code);
  if (code.empty()) return make_error_code(errc::code_empty);

  const std::size_t d1 = code.find('.');
  if (d1 == std::string_view::npos) return make_error_code(errc::code_malformed);
  if (code.substr(0, d1) != prefix) {
    // "SB" and a number is some other version of ours; anything else is not our code at all.
    const std::string_view head = code.substr(0, d1);
    const bool ours = head.size() > 2 && head.substr(0, 2) == "SB" &&
                      std::all_of(head.begin() + 2, head.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
    return make_error_code(ours ? errc::code_unknown_version : errc::code_malformed);
  }
  const std::size_t d2 = code.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return make_error_code(errc::code_malformed);
  const std::size_t d3 = code.find('.', d2 + 1);
  if (d3 == std::string_view::npos) return make_error_code(errc::code_truncated);
  if (code.find('.', d3 + 1) != std::string_view::npos) {
    return make_error_code(errc::code_malformed);
  }
  const std::string_view booking = code.substr(d1 + 1, d2 - d1 - 1);
  const std::string_view trip = code.substr(d2 + 1, d3 - d2 - 1);
  const std::string_view tag_text = code.substr(d3 + 1);
  if (!valid_booking_number(booking)) return make_error_code(errc::code_malformed);
  const auto trip_id = parse_trip_id(trip);
  if (!trip_id) return make_error_code(errc::code_malformed);

  // A shorter tag of base64url characters is a code cut off (a damaged print, a partial
  // scan): reported as such rather than as a forgery, though both are refused. (Its last
  // character need not be a canonical ending, so it is not decoded.)
  if (tag_text.size() < tag_text_size) {
    const bool b64 = std::all_of(tag_text.begin(), tag_text.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    });
    return make_error_code(b64 ? errc::code_truncated : errc::code_malformed);
  }
  const auto tag = auth::base64url_decode(tag_text);
  if (!tag || tag->size() != tag_size) return make_error_code(errc::code_malformed);

  // The MAC covers the text exactly as received, which the checks above made canonical.
  const auto expected = key_->mac(code.substr(0, d3));
  if (sodium_memcmp(expected.data(), tag->data(), tag_size) != 0) {
    return make_error_code(errc::code_forged);
  }
  return boarding_claim{std::string(booking), *trip_id};
}

}  // namespace seatd::tickets
