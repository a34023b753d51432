#pragma once
// A printable random secret: `bytes` bytes from libsodium's CSPRNG as lower-case hex (2 * bytes
// characters). For keys and ids that only have to be unguessable and unique (a generated JWT
// secret, a hold engine's epoch); it sits below every layer so that none of them needs `auth`
// for it.
#include <cstddef>
#include <string>

namespace seatd {

std::string random_secret(std::size_t bytes);

}  // namespace seatd
