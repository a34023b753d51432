#pragma once
// The WebSocket messages of the live seat map (docs/protocol.md), serialised once per event and
// shared by every recipient. A frame is the whole WebSocket frame (RFC 6455 header, then the
// JSON text): the bytes each viewer's socket is given as they are.
#include <memory>
#include <string>
#include <vector>

#include "domain/hold_book.hpp"
#include "domain/seat_event.hpp"

namespace seatd::realtime {

using frame = std::shared_ptr<const std::string>;

// SEAT_LOCKED / SEAT_UNLOCKED / SEAT_BOOKED / SEAT_RELEASED with seq (and expires_at on locks).
frame event_frame(const seat_event& e);

// INITIAL_STATE: locked_seats (seat_no, user_id, expires_at), booked_seats, seq, server_time,
// epoch.
frame initial_state_frame(const hold_snapshot& s, const std::vector<int>& booked, sys_ms now,
                          const std::string& epoch);

// The heartbeat answer, shared.
const frame& pong_frame();

}  // namespace seatd::realtime
