#pragma once
// The seat events the Redis engine's scripts PUBLISH, as text: compact and parseable without a
// JSON library in Lua.
//
//   kind|trip|seq|seats|user|expires_ms[|flags]
//
// kind: L (SEAT_LOCKED), U (SEAT_UNLOCKED by its holder), E (expired), B (booked),
// R (released); seats: comma-separated (one for U and E; one or a group for L); user and
// expires_ms: 0 when not told; flags (optional, one letter each): O, the lock is a
// waiting-list offer (seat_event::offer). A letter this reader does not know is ignored, so a
// later flag does not make it drop events. Only offers carry the field, so every other event
// is still the six fields an instance from before it reads (one from before it drops an
// offer's event as malformed: its viewers of that trip resync). The scripts write this format
// (redis_scripts.cpp, function `publish`); the engine reads it here.
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
