#include <sodium.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <stdexcept>

#include "auth/password.hpp"
#include "util/random_secret.hpp"

namespace seatd::auth {

hash_cost interactive_cost() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

hash_cost test_cost() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_password(std::string_view password, hash_cost cost) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  // The algorithm is pinned to Argon2id explicitly rather than relying on libsodium's
  // default, so a library upgrade cannot silently change what we store.
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.ops, cost.mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only runtime failure with valid limits is the memory allocation.
    throw std::runtime_error("password hashing failed (out of memory)");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  // libsodium wants a NUL-terminated string shorter than STRBYTES; anything else (including
  // an embedded NUL that would truncate the hash) cannot be a hash we produced.
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  std::array<char, crypto_pwhash_STRBYTES> str{};
  encoded_hash.copy(str.data(), encoded_hash.size());
  // Returns -1 both for a mismatch and for a malformed string; the comparison inside is
  // constant time.
  return crypto_pwhash_str_verify(str.data(), password.data(), password.size()) == 0;
}

bool acceptable_password(std::string_view password) {
  if (password.size() < 6 || password.size() > 128) return false;
  // Six spaces are not a password: at least one character that is not white space.
  return std::any_of(password.begin(), password.end(), [](char c) {
    return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f');
  });
}

const std::string& decoy_hash(hash_cost cost) {
  // One per cost (a process uses one); std::map never moves its values, so the reference
  // stays valid. The first caller pays one real hash; the mutex is held meanwhile so two
  // first callers do not both pay.
  static std::mutex mutex;
  static std::map<std::pair<unsigned long long, std::size_t>, std::string> decoys;
  const std::lock_guard lock(mutex);
  auto [it, inserted] = decoys.try_emplace({cost.ops, cost.mem});
  if (inserted) it->second = hash_password(random_secret(16), cost);
  return it->second;
}

}  // namespace seatd::auth
