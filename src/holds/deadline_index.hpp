#pragma once
// What one Redis-engine instance knows about when holds fall due: (trip, seat) -> deadline,
// learned from SEAT_LOCKED events (every instance sees every event) and from what its own
// scripts report as a trip's next deadline. The engine arms one timer at earliest() and, when
// it fires, runs the expire script for every trip take_due() names. Knowing a deadline that no
// longer holds (the seat was released meanwhile) costs one script that finds nothing to do.
// Pure data structure: not thread-safe (the engine keeps it on its strand).
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/clock.hpp"
#include "domain/model.hpp"

namespace seatd {

class deadline_index {
 public:
  // Remembers that (trip, seat) falls due at `when`, replacing what was known for the seat.
  void set(row_id trip, int seat, sys_ms when);
  void erase(row_id trip, int seat);
  // Forgets every entry due at `now` or earlier and returns their trips, each once, in
  // deadline order.
  std::vector<row_id> take_due(sys_ms now);
  std::optional<sys_ms> earliest() const;
  std::size_t size() const { return by_seat_.size(); }

 private:
  std::map<std::pair<row_id, int>, sys_ms> by_seat_;
  std::set<std::tuple<sys_ms, row_id, int>> by_deadline_;
};

}  // namespace seatd
