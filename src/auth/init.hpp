#pragma once
// libsodium's start-up, which every other function of this layer needs first.

namespace seatd::auth {

// Must be called once before any other function here (sodium_init); throws on failure.
void init();

}  // namespace seatd::auth
