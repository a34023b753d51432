#pragma once
// What a live seat-map client believes, built from the messages it receives exactly as a
// browser would apply them (docs/protocol.md), with every protocol violation noted: a seq that
// is not the last + 1 after an INITIAL_STATE, an unlock of a seat that was not locked, a lock
// of a seat held by someone else.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace seatd::testing {

struct seat_map_model {
  std::map<int, std::int64_t> locked;  // seat -> holder
  std::set<int> booked;
  std::uint64_t seq = 0;
  std::string epoch;
  int initial_states = 0;
  std::vector<std::string> problems;

  void apply(const boost::json::object& m) {
    std::string type(m.at("type").as_string());
    auto s = m.at("seq").to_number<std::uint64_t>();
    if (type == "INITIAL_STATE") {
      locked.clear();
      booked.clear();
      for (const auto& l : m.at("locked_seats").as_array())
        locked[int(l.at("seat_no").as_int64())] = l.at("user_id").as_int64();
      for (const auto& b : m.at("booked_seats").as_array()) booked.insert(int(b.as_int64()));
      seq = s;
      epoch = std::string(m.at("epoch").as_string());
      ++initial_states;
      return;
    }
    if (initial_states == 0) problems.push_back(type + " before INITIAL_STATE");
    if (s != seq + 1)
      problems.push_back(type + " seq " + std::to_string(s) + " after " + std::to_string(seq));
    seq = s;
    if (type == "SEAT_LOCKED") {
      int seat = int(m.at("seat_no").as_int64());
      auto user = m.at("user_id").as_int64();
      if (auto it = locked.find(seat); it != locked.end() && it->second != user)
        problems.push_back("seat " + std::to_string(seat) + " locked while held by another");
      locked[seat] = user;
    } else if (type == "SEATS_LOCKED") {  // protocol v2: a group, one change (issue 16)
      auto user = m.at("user_id").as_int64();
      for (const auto& v : m.at("seat_nos").as_array()) {
        int seat = int(v.as_int64());
        if (auto it = locked.find(seat); it != locked.end() && it->second != user)
          problems.push_back("seat " + std::to_string(seat) + " locked while held by another");
        locked[seat] = user;
      }
    } else if (type == "SEAT_UNLOCKED") {
      int seat = int(m.at("seat_no").as_int64());
      if (locked.erase(seat) == 0)
        problems.push_back("seat " + std::to_string(seat) + " unlocked twice (seq " +
                           std::to_string(s) + ")");
    } else if (type == "SEAT_BOOKED") {
      for (const auto& v : m.at("seat_numbers").as_array()) {
        locked.erase(int(v.as_int64()));
        booked.insert(int(v.as_int64()));
      }
    } else if (type == "SEAT_RELEASED") {
      for (const auto& v : m.at("seat_numbers").as_array()) booked.erase(int(v.as_int64()));
    } else {
      problems.push_back("unknown message " + type);
    }
  }

  std::set<int> locked_seats() const {
    std::set<int> out;
    for (const auto& [seat, user] : locked) out.insert(seat);
    return out;
  }
};

}  // namespace seatd::testing
