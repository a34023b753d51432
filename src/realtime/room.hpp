#pragma once
// One trip's room (the seed's ConnectionManager group): who watches the trip, and the recent
// events in seq order. Viewers pull: a publish appends the serialised event once and wakes the
// viewers; each viewer copies the shared frames from its own next seq onwards. The same history
// answers a reconnect with ?since=. Joining and leaving never wait for a broadcast.
//
// Viewers run on a few shard strands (one per I/O thread, seat_hub's). Waking a room posts one
// pass per shard, which drains that shard's viewers one after the other, instead of one posted
// task per viewer: with thousands of viewers the per-viewer posts (an allocation, the strand's
// queue, an executor copy each) were the largest part of seatd's own fan-out cost.
#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "metrics/histogram.hpp"
#include "realtime/event_json.hpp"

namespace seatd::realtime {

class viewer {
 public:
  virtual ~viewer() = default;
  // Thread-safe and cheap: schedules a drain on the viewer's shard strand (coalesced).
  virtual void wake() = 0;
  // On the viewer's shard strand only: takes what is new from the room into its queue.
  virtual void drain() = 0;
};

class room : public std::enable_shared_from_this<room> {
 public:
  // shards: the strands viewers run on (at least one); keep: how many events are kept;
  // fanout: when set, each drain pass observes the time from the wake that posted it (an
  // event's publish) to its shard's viewers having the event queued.
  static constexpr std::size_t default_keep = 1024;
  explicit room(std::vector<boost::asio::any_io_executor> shards, std::size_t keep = default_keep,
                metrics::histogram* fanout = nullptr);

  // Appends the event with this seq. The last seq again is a duplicate and ignored; a gap (lost
  // events) starts the history afresh, so viewers that needed the missing ones resync. A seq
  // below the last one means the seq space restarted (Redis lost its data): the engines never
  // deliver an older seq twice, so it is not taken for a duplicate (that silently dropped every
  // event until the old seq was passed) but starts a new generation, and viewers resync.
  // f is what every viewer gets; v2, when set, replaces it for viewers of protocol v2 (a group
  // lock: one SEATS_LOCKED instead of one SEAT_LOCKED per seat). Still one entry per seq.
  // offer, when set, is the event's WAITLIST_OFFER, for viewers identified as offer_to only.
  void append(std::uint64_t seq, frame f, frame v2 = {}, frame offer = {}, row_id offer_to = 0);
  // Frames with seq in [from, last_seq] (at most max frames), as protocol p has them. False
  // when `from` is older than the kept history: the caller must resync from a snapshot.
  // me: the viewer's identified user (0: anonymous); an offer made to it comes right after its
  // event's frame(s) (the same shared frame for each of that user's viewers, never split from
  // its event by `max`). next, when set, gets the seq after the last one read (from, when none).
  bool read(std::uint64_t from, std::vector<frame>& out, std::size_t max,
            protocol p = protocol::v1, row_id me = 0, std::uint64_t* next = nullptr) const;
  // The WAITLIST_OFFER frames for `user` among the kept events with seq in [from, to], in seq
  // order: what a viewer that identified itself late already read without them.
  void offers(std::uint64_t from, std::uint64_t to, row_id user, std::vector<frame>& out) const;
  std::uint64_t last_seq() const;
  // Forgets the history and the last seq and starts a new generation: every viewer resyncs from
  // a snapshot, and whatever seq that snapshot has is accepted (the seq space may have
  // restarted). For when events may have been lost upstream or the seq space restarted (the
  // Redis engine after a reconnect or a data loss), which a gap check cannot see if no further
  // event comes.
  void reset();
  // Changes with every reset(); a viewer that synced under another generation must resync.
  std::uint64_t generation() const;

  // shard: the index of the strand the viewer runs on.
  void join(const std::shared_ptr<viewer>& v, std::size_t shard);
  void leave(const viewer* v, std::size_t shard);
  std::size_t viewer_count() const;
  // Thread-safe: one drain pass per shard that has viewers, coalesced (a burst of events
  // before a pass runs costs that one pass).
  void wake_all();

  // For seat_hub's eviction of idle rooms: true when an event arrived or a viewer joined since
  // the last call (which clears it).
  bool take_touched() { return touched_.exchange(false); }

 private:
  void drain_shard(std::size_t shard, std::chrono::steady_clock::time_point woken);

  std::vector<boost::asio::any_io_executor> shards_;
  std::unique_ptr<std::atomic<bool>[]> pass_pending_;  // per shard
  std::size_t keep_;
  metrics::histogram* fanout_;
  mutable std::shared_mutex history_mutex_;
  struct entry {
    frame v1;
    frame v2;             // null: the same as v1
    frame offer;          // null: not a waiting-list offer
    row_id offer_to = 0;  // whose offer
  };
  std::deque<entry> history_;   // seq first_seq_ .. first_seq_ + size - 1
  std::uint64_t first_seq_ = 1;
  std::uint64_t last_seq_ = 0;
  std::uint64_t generation_ = 0;
  std::atomic<bool> touched_{true};

  mutable std::mutex viewers_mutex_;
  std::vector<std::unordered_map<const viewer*, std::weak_ptr<viewer>>> viewers_;  // per shard
};

}  // namespace seatd::realtime
