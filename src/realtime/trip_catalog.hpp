#pragma once
// What the live layer must know of a trip without asking the database on every hold: does it
// exist, how many seats it has, which are sold. Loaded from the store on first use (on the
// worker pool) and kept current by the SEAT_BOOKED / SEAT_RELEASED events. The database stays
// the last guard: a stale entry can at worst grant a hold on a seat that then cannot be booked.
//
// A load takes a while (a worker, a query), and events keep coming meanwhile: the events of a
// trip that arrive while it loads are kept and replayed, in order, onto what the load read
// (booking and release are idempotent set operations, so replaying one the read already shows
// is harmless, and the last one per seat wins, as in the database). A forget_all() during a
// load means events may have been missed before the read: that load answers its caller but is
// not cached. At most `capacity` trips are kept; the least recently used goes first.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "exec/worker_pool.hpp"
#include "domain/seat_event.hpp"
#include "store/store.hpp"

namespace seatd::realtime {

struct trip_facts {
  int total_seats = 0;
  std::vector<int> booked;  // ascending
  local_time departure{};   // trips never move once imported: the sale window reads it here
  bool is_booked(int seat) const;
};

class trip_catalog {
 public:
  static constexpr std::size_t default_capacity = 10'000;

  trip_catalog(store& db, worker_pool& pool, std::size_t capacity = default_capacity)
      : db_(db), pool_(pool), capacity_(std::max<std::size_t>(capacity, 1)) {}
  // nullopt: no such trip.
  boost::asio::awaitable<std::optional<trip_facts>> get(row_id trip);
  // Keeps booked seats current (SEAT_BOOKED adds, SEAT_RELEASED removes).
  void on_event(const seat_event& e);
  // Drops every cached trip, so the next get() reloads it from the database: for when
  // SEAT_BOOKED / SEAT_RELEASED events may have been missed.
  void forget_all();
  std::size_t size();

  // The steps of get(), public so the races they handle can be tested without a database:
  // begin_load before reading the store; finish_load with what it read (nullopt: an error, the
  // load is abandoned) gives the caller its facts and caches them when that is still right.
  struct load_ticket {
    row_id trip = 0;
    std::uint64_t generation = 0;
  };
  // The cached facts, or nullopt and a ticket for a load.
  std::optional<trip_facts> lookup_or_begin(row_id trip, load_ticket& ticket);
  std::optional<trip_facts> finish_load(const load_ticket& ticket, const std::vector<seat>* seats,
                                       local_time departure = {});

 private:
  struct entry {
    int total_seats = 0;
    std::set<int> booked;
    local_time departure{};
    std::list<row_id>::iterator lru;
  };
  struct loading {
    std::size_t loaders = 0;
    std::vector<std::pair<bool, int>> ops;  // (booked?, seat) in event order since it began
    bool overflowed = false;                 // more than max_pending_ops: do not cache
  };
  static constexpr std::size_t max_pending_ops = 4096;
  static trip_facts facts_of(const entry& e);
  void touch(entry& e);  // under mutex_

  store& db_;
  worker_pool& pool_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<row_id, entry> trips_;
  std::list<row_id> lru_;  // most recently used first
  std::unordered_map<row_id, loading> loading_;
  std::uint64_t generation_ = 0;  // bumped by forget_all()
};

}  // namespace seatd::realtime
