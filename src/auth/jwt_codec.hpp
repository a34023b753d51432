#pragma once
// HS256 JSON Web Tokens: signing and strict verification. Pure functions of the key; no I/O.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "domain/model.hpp"

namespace seatd::auth {

struct claims {
  std::string sub;    // email
  row_id id = 0;        // user id
  std::int64_t exp = 0;  // seconds since epoch
  std::int64_t iat = 0;
  std::string jti;    // random token id (for logout revocation); required
};

class jwt_codec {
 public:
  // secret: raw key bytes (at least 32 bytes in production; enforced by config).
  explicit jwt_codec(std::string secret);
  // header {"alg":"HS256","typ":"JWT"}; payload {"sub","id","exp","iat","jti"}.
  std::string sign(const claims& c) const;
  // Strict: HS256 only (alg pinned, "none" and others refused), strict base64url, MAC
  // compared in constant time, exp > now, sub/id/exp present with right types, token at most
  // 4 KiB. Any failure: errc::forbidden.
  result<claims> verify(std::string_view token, sys_ms now) const;

 private:
  struct keyed_mac;  // HMAC-SHA256 with the key already absorbed (jwt_codec.cpp)
  std::shared_ptr<const keyed_mac> mac_;  // shared: copies of the codec share one keyed state
};

}  // namespace seatd::auth
