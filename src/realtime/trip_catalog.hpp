#pragma once
// What the live layer must know of a trip without asking the database on every hold: does it
// exist, how many seats it has, which are sold. Loaded from the store on first use (on the
// worker pool) and kept current by the SEAT_BOOKED / SEAT_RELEASED events. The database stays
// the last guard: a stale entry can at worst grant a hold on a seat that then cannot be booked.
#include <boost/asio/awaitable.hpp>

#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "app/worker_pool.hpp"
#include "domain/seat_event.hpp"
#include "store/store.hpp"

namespace seatd::realtime {

struct trip_facts {
  int total_seats = 0;
  std::vector<int> booked;  // ascending
  bool is_booked(int seat) const;
};

class trip_catalog {
 public:
  trip_catalog(store& db, worker_pool& pool) : db_(db), pool_(pool) {}
  // nullopt: no such trip.
  boost::asio::awaitable<std::optional<trip_facts>> get(id_t trip);
  // Keeps booked seats current (SEAT_BOOKED adds, SEAT_RELEASED removes).
  void on_event(const seat_event& e);
  // Drops every cached trip, so the next get() reloads it from the database: for when
  // SEAT_BOOKED / SEAT_RELEASED events may have been missed.
  void forget_all();

 private:
  struct entry {
    int total_seats = 0;
    std::set<int> booked;
  };
  std::optional<trip_facts> lookup(id_t trip);
  store& db_;
  worker_pool& pool_;
  std::mutex mutex_;
  std::unordered_map<id_t, entry> trips_;
};

}  // namespace seatd::realtime
