#pragma once
// Bearer-token checks for every authenticated request: jwt_codec's strict verification, with a
// small bounded cache of tokens that already passed it, and the revocation list consulted on
// every call. A client sends the same token with each of its requests, and full verification
// (two base64url decodes, two JSON parses, an HMAC) was 40 % of a lock/unlock's instructions;
// a cache hit is a hash lookup and a byte comparison. Thread-safe.
//
// What a hit still checks: the presented bytes equal, byte for byte, a token that passed the
// full check with this codec (the signature segment is only the lookup key); exp > now, with
// the codec's rounding; the jti is not revoked. So expiry and logout take effect at once, as
// without the cache. Failures are never cached: a forged token costs a full check every time.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/jwt_codec.hpp"
#include "auth/revocation_list.hpp"
#include "domain/clock.hpp"
#include "domain/errc.hpp"

namespace seatd::auth {

class token_verifier {
 public:
  // capacity: how many distinct tokens are remembered; at least 1. When full, the token
  // inserted longest ago is forgotten (first in, first out).
  token_verifier(const jwt_codec& codec, revocation_list& revoked, std::size_t capacity = 4096);

  // The claims of a valid, unexpired, unrevoked token; errc::forbidden otherwise.
  result<claims> verify(std::string_view token, sys_ms now);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  struct entry {
    std::string token;
    claims c;
  };
  void remember(std::string_view signature, std::string_view token, const claims& c);

  const jwt_codec& codec_;
  revocation_list& revoked_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;  // by signature segment
  // Insertion order, as a ring of keys: the slot at next_ holds the oldest key once the ring
  // has wrapped. A key erased early (expired) leaves its slot; evicting a key that is no longer
  // there is a no-op, so entries_ never holds more than capacity_ keys.
  std::vector<std::string> order_;
  std::size_t next_ = 0;
};

}  // namespace seatd::auth
