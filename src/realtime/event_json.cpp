#include "realtime/event_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "net/ws_wire.hpp"

namespace seatd::realtime {

namespace json = boost::json;
namespace ws = net::ws;

namespace {
std::int64_t ms(sys_ms t) { return t.time_since_epoch().count(); }

// The message as a whole WebSocket text frame, ready for every viewer's socket.
frame text_frame(const json::object& o) {
  return std::make_shared<const std::string>(
      ws::server_frame(ws::opcode::text, json::serialize(o)));
}

json::array seat_list(const std::vector<int>& seats) {
  json::array a;
  for (int s : seats) a.push_back(s);
  return a;
}
}  // namespace

bool differs_for_v2(const seat_event& e) {
  return e.kind == seat_event_kind::locked && e.seats.size() > 1;
}

frame event_frame(const seat_event& e, protocol p) {
  json::object o;
  if (differs_for_v2(e)) {
    if (p == protocol::v2) {
      o = {{"type", "SEATS_LOCKED"},
           {"seat_nos", seat_list(e.seats)},
           {"user_id", e.user},
           {"expires_at", ms(e.expires_at)},
           {"seq", e.seq}};
      return text_frame(o);
    }
    // The original's clients know one seat per SEAT_LOCKED: one each, same payload as a
    // single take's, every one carrying the change's seq.
    std::string frames;
    for (int seat : e.seats) {
      json::object one{{"type", "SEAT_LOCKED"},
                       {"seat_no", seat},
                       {"user_id", e.user},
                       {"expires_at", ms(e.expires_at)},
                       {"seq", e.seq}};
      frames += ws::server_frame(ws::opcode::text, json::serialize(one));
    }
    return std::make_shared<const std::string>(std::move(frames));
  }
  switch (e.kind) {
    case seat_event_kind::locked:
      o = {{"type", "SEAT_LOCKED"},
           {"seat_no", e.seats.at(0)},
           {"user_id", e.user},
           {"expires_at", ms(e.expires_at)}};
      break;
    case seat_event_kind::unlocked:
      o = {{"type", "SEAT_UNLOCKED"}, {"seat_no", e.seats.at(0)}, {"user_id", e.user}};
      break;
    case seat_event_kind::expired:
      // No user_id: the original clients drop their own selection on an expiry this way.
      o = {{"type", "SEAT_UNLOCKED"}, {"seat_no", e.seats.at(0)}, {"reason", "expired"}};
      break;
    case seat_event_kind::booked:
      o = {{"type", "SEAT_BOOKED"}, {"seat_numbers", seat_list(e.seats)}};
      break;
    case seat_event_kind::released:
      o = {{"type", "SEAT_RELEASED"}, {"seat_numbers", seat_list(e.seats)}};
      break;
  }
  o["seq"] = e.seq;
  return text_frame(o);
}

bool is_offer(const seat_event& e) {
  return e.offer && e.kind == seat_event_kind::locked && e.user > 0 && !e.seats.empty();
}

frame waitlist_offer_frame(const seat_event& e) {
  // expires_at as SEAT_LOCKED has it (ms since the epoch), so a client compares them directly.
  json::object o{{"type", "WAITLIST_OFFER"},
                 {"trip_id", e.trip},
                 {"seat_nos", seat_list(e.seats)},
                 {"expires_at", ms(e.expires_at)},
                 {"seq", e.seq}};
  return text_frame(o);
}

frame auth_ok_frame(row_id user) {
  return text_frame(json::object{{"type", "AUTH_OK"}, {"user_id", user}});
}

frame auth_failed_frame(std::string_view detail) {
  return text_frame(json::object{{"type", "AUTH_FAILED"}, {"detail", detail}});
}

frame initial_state_frame(const hold_snapshot& s, const std::vector<int>& booked, sys_ms now,
                          const std::string& epoch) {
  json::array locked;
  for (const auto& h : s.holds)
    locked.push_back(
        json::object{{"seat_no", h.seat}, {"user_id", h.user}, {"expires_at", ms(h.expires_at)}});
  json::object o{{"type", "INITIAL_STATE"},
                 {"locked_seats", std::move(locked)},
                 {"booked_seats", seat_list(booked)},
                 {"seq", s.seq},
                 {"server_time", ms(now)},
                 {"epoch", epoch}};
  return text_frame(o);
}

const frame& pong_frame() {
  static const frame pong =
      std::make_shared<const std::string>(ws::server_frame(ws::opcode::text, "pong"));
  return pong;
}

}  // namespace seatd::realtime
