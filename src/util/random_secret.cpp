#include "util/random_secret.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace seatd {

std::string random_secret(std::size_t bytes) {
  // sodium_init is idempotent and thread-safe; calling it here keeps this usable before (or
  // without) auth::init, e.g. by a hold engine in a test.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium initialisation failed");
  std::vector<unsigned char> raw(bytes);
  if (bytes > 0) randombytes_buf(raw.data(), raw.size());
  std::string out(bytes * 2 + 1, '\0');  // sodium_bin2hex writes a terminating NUL
  sodium_bin2hex(out.data(), out.size(), raw.data(), raw.size());
  out.pop_back();
  sodium_memzero(raw.data(), raw.size());
  return out;
}

}  // namespace seatd
