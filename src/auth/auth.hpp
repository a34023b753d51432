#pragma once
// Credentials: Argon2id password hashes (libsodium) and HS256 JWTs. Pure functions plus a
// small thread-safe revocation list; no I/O. Hashing is slow by design: call it on the
// worker pool, never on an I/O thread.
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "domain/model.hpp"

namespace seatd::auth {

// Must be called once before any other function here (sodium_init); throws on failure.
void init();

// Argon2id (crypto_pwhash_str) with the given cost; returns the encoded string.
struct hash_cost {
  unsigned long long ops;
  std::size_t mem;
};
hash_cost interactive_cost();  // libsodium's INTERACTIVE limits (production)
hash_cost test_cost();         // the minimum limits, for tests only
std::string hash_password(std::string_view password, hash_cost cost);
// Constant-time verification; false for a malformed hash.
bool verify_password(std::string_view encoded_hash, std::string_view password);

struct claims {
  std::string sub;    // email
  id_t id = 0;        // user id
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

// A random 128-bit token id, unpadded base64url (22 chars).
std::string random_token_id();
// Booking numbers: "ABC-" + 6 upper-case hex characters from a CSPRNG.
std::string random_booking_number();
// A printable random secret of `bytes` random bytes (lower-case hex, 2 * bytes chars).
std::string random_secret(std::size_t bytes);

// Pragmatic email validation (local@domain.tld, no spaces, length limits).
bool valid_email(std::string_view email);

// Revoked token ids until their expiry. Thread-safe. Times are seconds since the epoch,
// like claims::exp. Lapsed entries are dropped as time passes (kept in expiry order, so each
// call only looks at the ones due), and the list holds at most `capacity` ids: beyond that the
// one that lapses soonest is dropped first (with a warning from the caller's side: add()
// returns false). Every revocation carries its token's real expiry; none is kept forever.
class revocation_list {
 public:
  explicit revocation_list(std::size_t capacity = 1'000'000);
  // Re-adding an id keeps the later expiry. False when the list was full and an entry had to
  // be dropped to make room.
  bool add(std::string jti, std::int64_t exp);
  // True only while exp > now.
  bool contains(std::string_view jti, std::int64_t now);
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  void prune(std::int64_t now);  // under mutex_

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> entries_;
  std::set<std::pair<std::int64_t, std::string>> by_expiry_;
};

// Password rules for new passwords (signup): 6 to 128 bytes, and not only white space. Login
// accepts whatever was stored.
bool acceptable_password(std::string_view password);

// The hash a login checks an unknown e-mail against, so it costs what a real check costs and
// the answer's timing does not tell which e-mails exist. Made with `cost` (the cost real
// hashes are made with) the first time it is asked for, then remembered. Slow on first use:
// call it on the hashing lane, never on an I/O thread. Thread-safe.
const std::string& decoy_hash(hash_cost cost);

}  // namespace seatd::auth
