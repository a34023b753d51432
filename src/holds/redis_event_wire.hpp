#pragma once
// The seat events the Redis engine's scripts PUBLISH, as text: compact and parseable without a
// JSON library in Lua.
//
//   kind|trip|seq|seats|user|expires_ms
//
// kind: L (SEAT_LOCKED), U (SEAT_UNLOCKED by its holder), E (expired), B (booked),
// R (released); seats: comma-separated (one for U and E; one or a group for L); user and expires_ms: 0 when not told. The scripts
// write this format (redis_scripts.cpp, function `publish`); the engine reads it here.
#include <optional>
#include <string>
#include <string_view>

#include "domain/seat_event.hpp"

namespace seatd::redis_event_wire {

// nullopt for a malformed payload (a bug or a foreign publisher on the channel).
std::optional<seat_event> decode(std::string_view payload);

// The same text the scripts produce: for tests and logs.
std::string encode(const seat_event& e);

}  // namespace seatd::redis_event_wire
