#include "holds/deadline_index.hpp"

#include <unordered_set>

namespace seatd {

void deadline_index::set(row_id trip, int seat, sys_ms when) {
  auto [it, inserted] = by_seat_.try_emplace({trip, seat}, when);
  if (!inserted) {
    if (it->second == when) return;
    by_deadline_.erase({it->second, trip, seat});
    it->second = when;
  }
  by_deadline_.insert({when, trip, seat});
}

void deadline_index::erase(row_id trip, int seat) {
  auto it = by_seat_.find({trip, seat});
  if (it == by_seat_.end()) return;
  by_deadline_.erase({it->second, trip, seat});
  by_seat_.erase(it);
}

std::vector<row_id> deadline_index::take_due(sys_ms now) {
  std::vector<row_id> trips;
  std::unordered_set<row_id> seen;
  while (!by_deadline_.empty()) {
    auto [when, trip, seat] = *by_deadline_.begin();
    if (when > now) break;
    by_deadline_.erase(by_deadline_.begin());
    by_seat_.erase({trip, seat});
    if (seen.insert(trip).second) trips.push_back(trip);
  }
  return trips;
}

std::optional<sys_ms> deadline_index::earliest() const {
  if (by_deadline_.empty()) return std::nullopt;
  return std::get<0>(*by_deadline_.begin());
}

}  // namespace seatd
