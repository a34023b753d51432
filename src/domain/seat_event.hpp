#pragma once
// A change to a trip's live seat map, as every viewer of the trip must learn it.
#include <cstdint>
#include <optional>
#include <vector>

#include "domain/clock.hpp"
#include "domain/model.hpp"

namespace seatd {

enum class seat_event_kind {
  locked,    // SEAT_LOCKED: holds taken or renewed (user, expires_at): one seat, or a group
             // taken or extended at once (SEATS_LOCKED for viewers of protocol v2)
  unlocked,  // SEAT_UNLOCKED with user_id: released by its holder
  expired,   // SEAT_UNLOCKED without user_id: the hold's deadline passed
  booked,    // SEAT_BOOKED: seats sold
  released,  // SEAT_RELEASED: a cancelled booking's seats are free again
};

struct seat_event {
  seat_event_kind kind = seat_event_kind::locked;
  row_id trip = 0;
  std::vector<int> seats;  // one seat for unlock/expiry; one or several for lock (a group),
                           // booked and released
  row_id user = 0;           // holder (locked, unlocked); 0 when not told
  std::uint64_t seq = 0;   // per trip, +1 per change
  sys_ms expires_at{};     // locked only
  // locked only: the holds are a waiting-list offer made to `user` (hold_engine::take_offer):
  // that user's own viewers (those that sent AUTH with the user's token) also get a
  // WAITLIST_OFFER message (docs/protocol.md).
  bool offer = false;
};

}  // namespace seatd
