#pragma once
// The random identifiers a user sees or presents: token ids and booking numbers, from
// libsodium's CSPRNG so they cannot be guessed from earlier ones.
#include <string>

namespace seatd::auth {

// A random 128-bit token id, unpadded base64url (22 chars).
std::string random_token_id();
// Booking numbers: "ABC-" + 6 upper-case hex characters from a CSPRNG.
std::string random_booking_number();

}  // namespace seatd::auth
