// bookings: clients lock and book free seats (gathered beforehand, trips added when needed)
// until the time is up; reports bookings per second and the lock + book latency.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "scenario_kit.hpp"

namespace bench {

namespace {

struct bookings_state {
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  const std::vector<std::pair<int, int>>& seats;  // free (trip, seat), taken in order
  std::atomic<std::size_t> next{0};
  timed_phase phase;
};

// One client: lock the next free seat, then book it (POST /bookings/), until the time is up or
// the free seats run out. latency: lock + booking; second: the booking request alone.
asio::awaitable<void> booking_client(bookings_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  scenario_client cl(ex, s.c.tgt, i, s.stats, s.users[i].token);
  co_await cl.start(s.phase);
  while (s.phase.running()) {
    const std::size_t k = s.next++;
    if (k >= s.seats.size()) break;
    const int trip = s.seats[k].first, seat = s.seats[k].second;
    const auto t = now_us();  // lock + booking from here
    const std::string lock = cl.request("POST", lock_path(trip, seat));
    auto locked = co_await cl.timed(lock, 10s);
    if (!is_locked(locked.reply)) {
      cl.st.error("lock: " + describe(locked.reply));
      if (locked.reply.status == 0) co_await sleep_for(10ms);
      continue;
    }
    const std::string book =
        cl.request("POST", "/bookings/", fmt::format(R"({{"trip_id":{},"seat_numbers":[{}]}})", trip, seat));
    auto booked = co_await cl.timed(book, 10s);
    if (booked.reply.status == 201) {
      ++cl.st.events;
      cl.st.latency.record(booked.done_us - t);
      cl.st.second.record(booked.us());
    } else {
      cl.st.error("book: " + describe(booked.reply));
    }
    cl.count(booked.done_us);
  }
}

}  // namespace

report run_bookings(common_options& c, const bookings_options& o) {
  setup_target(c);
  check_timed_options(o.clients, o.duration);
  if (o.max_bookings < 1 || o.max_bookings > 1'000'000)
    throw std::invalid_argument("--max-bookings must be 1..1000000");
  runtime rt(c.threads);
  report r("bookings");
  add_common(r, c, rt);
  // Free seats from first_trip on, adding trips (generated schedules) until there are enough.
  auto seats = gather_free_seats(rt, c, c.first_trip, std::size_t(o.max_bookings));
  // Spread: consecutive bookings go to different trips (seat 1 of every trip, then seat 2 ...),
  // so concurrent bookings rarely wait for each other's trip lock; else trip after trip.
  if (o.spread)
    std::stable_sort(seats.begin(), seats.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
  auto users = make_users(rt, c.tgt, std::size_t(o.clients), run_prefix("bookings"));
  std::vector<thread_stats> stats(rt.size());
  bookings_state s{c, users, stats, seats, {}, timed_phase::starting_in(200ms, o.duration)};
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return booking_client(s, i); },
      s.phase, stats);
  auto booked = total(stats, [](const thread_stats& x) { return x.events; });
  r.add("clients", o.clients);
  r.add_text("order", o.spread ? "spread over trips" : "trip after trip");
  add_rate(r, elapsed, "bookings", booked, stats);
  r.add_latency("lock_and_book_latency", merged(stats, &thread_stats::latency));
  r.add_latency("book_latency", merged(stats, &thread_stats::second));
  cpu.finish(r, booked, "booking");
  if (s.next.load() >= seats.size()) r.note("the free seats ran out before the time was up");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (booked == 0) r.fail("no booking completed");
  return r;
}

}  // namespace bench
