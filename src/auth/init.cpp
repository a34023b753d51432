#include <sodium.h>

#include <stdexcept>

#include "auth/init.hpp"

namespace seatd::auth {

void init() {
  // sodium_init is idempotent (returns 1 when already initialised) and thread-safe, so
  // calling it again from tests or a second component is harmless; only -1 is fatal,
  // because without it randombytes and the hash primitives are not safe to use.
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

}  // namespace seatd::auth
