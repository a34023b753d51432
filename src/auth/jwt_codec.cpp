#include <sodium.h>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <utility>

#include "auth/jwt_codec.hpp"
#include "auth/base64url.hpp"

namespace seatd::auth {

using mac_t = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

namespace {

// Far above any token we issue (a few hundred bytes) but small enough that a hostile
// header cannot make us decode and parse megabytes before the MAC check fails.
constexpr std::size_t max_token_size = 4096;

// The header never varies, so it is encoded once. Key order matches what every JWT library
// emits, which keeps our tokens byte-identical to reference implementations.
const std::string& encoded_header() {
  static const std::string h = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

}  // namespace

// The streaming API is used instead of crypto_auth_hmacsha256(), whose key is fixed at 32
// bytes: operators may configure longer secrets and HMAC is defined for any key length.
// HMAC's first step hashes the key's inner and outer pad blocks; that depends on the key only,
// so it is done once here and every MAC starts from a copy of the keyed state (it was a third
// of each verification's HMAC cost).
struct jwt_codec::keyed_mac {
  crypto_auth_hmacsha256_state keyed;

  explicit keyed_mac(std::string_view key) {
    crypto_auth_hmacsha256_init(&keyed, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
  }
  ~keyed_mac() { sodium_memzero(&keyed, sizeof keyed); }
  keyed_mac(const keyed_mac&) = delete;
  keyed_mac& operator=(const keyed_mac&) = delete;

  mac_t operator()(std::string_view message) const {
    crypto_auth_hmacsha256_state state = keyed;
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    mac_t mac{};
    crypto_auth_hmacsha256_final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return mac;
  }
};

namespace {

// Decodes one segment and parses it as a JSON object; nullopt for anything else. The
// error_code overload of parse keeps hostile input from throwing.
std::optional<boost::json::object> decode_object(std::string_view segment) {
  const auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

const boost::json::string* string_member(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// Only values Boost.JSON parsed as int64 are accepted: 1.0, "1" and numbers beyond int64
// range (parsed as uint64 or double) are all refused rather than coerced.
std::optional<std::int64_t> int_member(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

bool header_acceptable(const boost::json::object& header) {
  // The algorithm is pinned: accepting whatever the token names is the classic JWT hole
  // ("alg":"none", or downgrades), so anything but exactly "HS256" is refused.
  const auto* alg = string_member(header, "alg");
  if (!alg || *alg != "HS256") return false;
  if (const boost::json::value* typ = header.if_contains("typ")) {
    const auto* s = typ->if_string();
    if (!s || *s != "JWT") return false;
  }
  return true;
}

}  // namespace

jwt_codec::jwt_codec(std::string secret)
    : mac_(std::make_shared<const keyed_mac>(secret)) {
  sodium_memzero(secret.data(), secret.size());
}

std::string jwt_codec::sign(const claims& c) const {
  boost::json::object payload;
  payload["sub"] = c.sub;
  payload["id"] = c.id;
  payload["exp"] = c.exp;
  payload["iat"] = c.iat;
  payload["jti"] = c.jti;

  std::string token = encoded_header();
  token += '.';
  token += base64url_encode(boost::json::serialize(payload));
  const mac_t mac = (*mac_)(token);
  token += '.';
  token += base64url_encode(
      std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

result<claims> jwt_codec::verify(std::string_view token, sys_ms now) const {
  // One error for every failure: telling a caller *why* a token was refused only helps
  // someone forging one.
  const boost::system::error_code deny = make_error_code(errc::forbidden);
  if (token.empty() || token.size() > max_token_size) return deny;

  const std::size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return deny;
  const std::size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return deny;
  if (token.find('.', dot2 + 1) != std::string_view::npos) return deny;
  const std::string_view header_seg = token.substr(0, dot1);
  const std::string_view payload_seg = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_seg = token.substr(dot2 + 1);

  // The header every token we issue carries is recognised by its bytes; any other is decoded
  // and checked in full.
  if (header_seg != encoded_header()) {
    const auto header = decode_object(header_seg);
    if (!header || !header_acceptable(*header)) return deny;
  }

  const auto signature = base64url_decode(signature_seg);
  if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES) return deny;
  // The MAC covers the segments exactly as received (not a re-encoding), and is checked
  // before the payload is even decoded, so unauthenticated payloads never reach the parser.
  const mac_t expected = (*mac_)(token.substr(0, dot2));
  if (sodium_memcmp(expected.data(), signature->data(), expected.size()) != 0) return deny;

  const auto payload = decode_object(payload_seg);
  if (!payload) return deny;

  claims c;
  const auto* sub = string_member(*payload, "sub");
  if (!sub || sub->empty()) return deny;
  c.sub = std::string(std::string_view(*sub));

  const auto id = int_member(*payload, "id");
  if (!id || *id <= 0) return deny;
  c.id = *id;

  const auto exp = int_member(*payload, "exp");
  if (!exp) return deny;
  // Floor to whole seconds: the token is valid while now < exp exactly, to the millisecond.
  const std::int64_t now_s =
      std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (*exp <= now_s) return deny;
  c.exp = *exp;

  if (payload->contains("iat")) {
    const auto iat = int_member(*payload, "iat");
    if (!iat) return deny;
    c.iat = *iat;
  }
  // Required: a token without an id could not be revoked by a logout. Ours are 22 chars.
  const auto* jti = string_member(*payload, "jti");
  if (!jti || jti->empty() || jti->size() > 128) return deny;
  c.jti = std::string(std::string_view(*jti));
  return c;
}

}  // namespace seatd::auth
