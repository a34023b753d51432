#pragma once
// The last seq handed to the sink, per trip, for the trips that had events lately: what an
// operation waiting for its own event checks, and how a seq going backwards (Redis lost its
// data) is noticed. Kept in two generations of at most capacity/2 trips each: when the current
// one fills it becomes the previous one and the old previous one is dropped, so memory stays
// bounded however many trips a server sees over months, and a trip with events in the last
// capacity/2 distinct trips is always found. Not thread-safe (the engine's strand owns it).
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "domain/model.hpp"

namespace seatd {

class recent_seqs {
 public:
  explicit recent_seqs(std::size_t capacity = 8192)
      : half_(capacity < 2 ? 1 : capacity / 2) {}

  std::optional<std::uint64_t> get(row_id trip) const {
    if (auto it = current_.find(trip); it != current_.end()) return it->second;
    if (auto it = previous_.find(trip); it != previous_.end()) return it->second;
    return std::nullopt;
  }
  void set(row_id trip, std::uint64_t seq) {
    current_[trip] = seq;
    if (current_.size() >= half_) {
      previous_ = std::move(current_);
      current_ = {};
    }
  }
  void clear() {
    current_ = {};
    previous_ = {};
  }
  std::size_t size() const { return current_.size() + previous_.size(); }

 private:
  std::size_t half_;
  std::unordered_map<row_id, std::uint64_t> current_, previous_;
};

}  // namespace seatd
