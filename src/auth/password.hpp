#pragma once
// Passwords: Argon2id hashes (libsodium), the rules for new passwords and the decoy hash that
// keeps a login's timing from telling which e-mails exist. Hashing is slow by design: call it on
// the hashing lane, never on an I/O thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace seatd::auth {

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

// Password rules for new passwords (signup): 6 to 128 bytes, and not only white space. Login
// accepts whatever was stored.
bool acceptable_password(std::string_view password);

// The hash a login checks an unknown e-mail against, so it costs what a real check costs and
// the answer's timing does not tell which e-mails exist. Made with `cost` (the cost real
// hashes are made with) the first time it is asked for, then remembered. Slow on first use:
// call it on the hashing lane, never on an I/O thread. Thread-safe.
const std::string& decoy_hash(hash_cost cost);

}  // namespace seatd::auth
