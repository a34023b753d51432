#include "holds/redis_event_wire.hpp"

#include <charconv>

namespace seatd::redis_event_wire {

namespace {

template <class T>
bool parse_whole(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
}

// The next '|'-separated field; false when none is left.
bool next_field(std::string_view& rest, std::string_view& field, bool last = false) {
  auto bar = rest.find('|');
  if (last) {
    if (bar != std::string_view::npos) return false;
    field = rest;
    rest = {};
    return true;
  }
  if (bar == std::string_view::npos) return false;
  field = rest.substr(0, bar);
  rest.remove_prefix(bar + 1);
  return true;
}

std::optional<seat_event_kind> kind_of(std::string_view k) {
  if (k == "L") return seat_event_kind::locked;
  if (k == "U") return seat_event_kind::unlocked;
  if (k == "E") return seat_event_kind::expired;
  if (k == "B") return seat_event_kind::booked;
  if (k == "R") return seat_event_kind::released;
  return std::nullopt;
}

char letter(seat_event_kind k) {
  switch (k) {
    case seat_event_kind::locked:
      return 'L';
    case seat_event_kind::unlocked:
      return 'U';
    case seat_event_kind::expired:
      return 'E';
    case seat_event_kind::booked:
      return 'B';
    case seat_event_kind::released:
      return 'R';
  }
  return '?';
}

}  // namespace

std::optional<seat_event> decode(std::string_view payload) {
  std::string_view rest = payload, kind, trip, seq, seats, user, expires, flags;
  if (!next_field(rest, kind) || !next_field(rest, trip) || !next_field(rest, seq) ||
      !next_field(rest, seats) || !next_field(rest, user))
    return std::nullopt;
  // The flags field is optional: without it, expires is the last field. Present, it is one
  // or more capital letters (the scripts write nothing else).
  if (!next_field(rest, expires, true) &&
      !(next_field(rest, expires) && next_field(rest, flags, true) && !flags.empty()))
    return std::nullopt;
  for (char c : flags)
    if (c < 'A' || c > 'Z') return std::nullopt;
  seat_event e;
  e.offer = flags.find('O') != std::string_view::npos;
  auto k = kind_of(kind);
  std::int64_t expires_ms = 0;
  if (!k || !parse_whole(trip, e.trip) || !parse_whole(seq, e.seq) || !parse_whole(user, e.user) ||
      !parse_whole(expires, expires_ms))
    return std::nullopt;
  e.kind = *k;
  e.expires_at = sys_ms{std::chrono::milliseconds{expires_ms}};
  // An event about no seat is legal only for released/booked (an empty list).
  while (!seats.empty()) {
    auto comma = seats.find(',');
    int seat = 0;
    if (!parse_whole(seats.substr(0, comma), seat)) return std::nullopt;
    e.seats.push_back(seat);
    if (comma == std::string_view::npos) break;
    seats.remove_prefix(comma + 1);
    if (seats.empty()) return std::nullopt;  // a trailing comma
  }
  // A lock names one seat or a group (take_group, extend: one event per deadline); an unlock
  // or an expiry exactly one.
  bool single = e.kind == seat_event_kind::unlocked || e.kind == seat_event_kind::expired;
  if (single && e.seats.size() != 1) return std::nullopt;
  if (e.kind == seat_event_kind::locked && e.seats.empty()) return std::nullopt;
  if (e.offer && e.kind != seat_event_kind::locked) return std::nullopt;  // only a lock is offered
  return e;
}

std::string encode(const seat_event& e) {
  std::string out(1, letter(e.kind));
  out += '|' + std::to_string(e.trip) + '|' + std::to_string(e.seq) + '|';
  for (std::size_t i = 0; i < e.seats.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(e.seats[i]);
  }
  out +=
      '|' + std::to_string(e.user) + '|' + std::to_string(e.expires_at.time_since_epoch().count());
  if (e.offer) out += "|O";
  return out;
}

}  // namespace seatd::redis_event_wire
