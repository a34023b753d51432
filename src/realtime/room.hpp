#pragma once
// One trip's room (the seed's ConnectionManager group): who watches the trip, and the recent
// events in seq order. Viewers pull: a publish appends the serialised event once and wakes the
// viewers; each viewer copies the shared frames from its own next seq onwards. The same history
// answers a reconnect with ?since=. Joining and leaving never wait for a broadcast.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "realtime/event_json.hpp"

namespace seatd::realtime {

class viewer {
 public:
  virtual ~viewer() = default;
  // Thread-safe and cheap: schedules a drain on the viewer's own strand (coalesced).
  virtual void wake() = 0;
};

class room {
 public:
  explicit room(std::size_t keep = 1024) : keep_(keep) {}

  // Appends the event with this seq. A seq already seen is ignored; a gap (lost events) starts
  // the history afresh, so viewers that needed the missing ones resync.
  void append(std::uint64_t seq, frame f);
  // Frames with seq in [from, last_seq] (at most max). False when `from` is older than the
  // kept history: the caller must resync from a snapshot.
  bool read(std::uint64_t from, std::vector<frame>& out, std::size_t max) const;
  std::uint64_t last_seq() const;
  // Forgets the history and starts a new generation: every viewer resyncs from a snapshot.
  // For when events may have been lost upstream or the seq space restarted (the Redis engine
  // after a reconnect), which a gap check cannot see if no further event comes.
  void reset();
  // Changes with every reset(); a viewer that synced under another generation must resync.
  std::uint64_t generation() const;

  void join(const std::shared_ptr<viewer>& v);
  void leave(const viewer* v);
  std::size_t viewer_count() const;
  void wake_all() const;

 private:
  std::size_t keep_;
  mutable std::shared_mutex history_mutex_;
  std::deque<frame> history_;   // seq first_seq_ .. first_seq_ + size - 1
  std::uint64_t first_seq_ = 1;
  std::uint64_t last_seq_ = 0;
  std::uint64_t generation_ = 0;

  mutable std::mutex viewers_mutex_;
  std::unordered_map<const viewer*, std::weak_ptr<viewer>> viewers_;
};

}  // namespace seatd::realtime
