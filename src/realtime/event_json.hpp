#pragma once
// The WebSocket messages of the live seat map (docs/protocol.md), serialised once per event and
// shared by every recipient. A frame is the whole WebSocket frame (RFC 6455 header, then the
// JSON text): the bytes each viewer's socket is given as they are.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/hold_book.hpp"
#include "domain/seat_event.hpp"

namespace seatd::realtime {

using frame = std::shared_ptr<const std::string>;

// What a viewer asked for on connecting (docs/protocol.md, "Versions"): v1, the original's
// messages (the default: the original app's browser client knows nothing else); v2 (`?v=2`),
// which also knows SEATS_LOCKED, a group's holds as one message.
enum class protocol : std::uint8_t { v1, v2 };

// SEAT_LOCKED / SEAT_UNLOCKED / SEAT_BOOKED / SEAT_RELEASED with seq (and expires_at on locks).
// A lock of several seats at once (a group, an extend): for v2 one SEATS_LOCKED
// {"seat_nos", "user_id", "expires_at", "seq"}; for v1 one SEAT_LOCKED per seat, all with the
// change's seq, as consecutive WebSocket frames in one buffer (the room keeps one entry per
// seq, so a resume with ?since= replays them all).
frame event_frame(const seat_event& e, protocol p = protocol::v1);
// Whether v2 viewers get other bytes than v1 viewers for this event (a group lock).
bool differs_for_v2(const seat_event& e);

// WAITLIST_OFFER {"trip_id", "seat_nos", "expires_at", "seq"} for a lock that is a
// waiting-list offer (seat_event::offer): sent only to the offered user's own viewers (those
// that identified themselves with AUTH), right after the event's lock frame(s), the same for
// v1 and v2. The room keeps it beside the event's shared frames; nobody else gets it.
frame waitlist_offer_frame(const seat_event& e);
// Whether the event comes with a WAITLIST_OFFER for its user.
bool is_offer(const seat_event& e);

// The answers to a viewer's AUTH: AUTH_OK {"user_id"}; AUTH_FAILED {"detail"}.
frame auth_ok_frame(row_id user);
frame auth_failed_frame(std::string_view detail);

// INITIAL_STATE: locked_seats (seat_no, user_id, expires_at), booked_seats, seq, server_time,
// epoch.
frame initial_state_frame(const hold_snapshot& s, const std::vector<int>& booked, sys_ms now,
                          const std::string& epoch);

// The heartbeat answer, shared.
const frame& pong_frame();

}  // namespace seatd::realtime
