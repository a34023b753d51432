// bookings: clients lock and book free seats (gathered beforehand, trips added when needed)
// until the time is up; reports bookings per second and the lock + book latency.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "scenario_kit.hpp"

namespace bench {

namespace {

struct bookings_state {
  runtime& rt;
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  const std::vector<std::pair<int, int>>& seats;  // free (trip, seat), taken in order
  std::atomic<std::size_t> next{0};
  steady::time_point t0, t_end;
};

// One client: lock the next free seat, then book it (POST /bookings/), until the time is up or
// the free seats run out. latency: lock + booking; second: the booking request alone.
asio::awaitable<void> booking_client(bookings_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.stats[i % s.rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  const std::string host = s.c.tgt.host_header(i);
  const std::string& token = s.users[i].token;
  // Requests are built before each co_await: GCC 12 mishandles temporaries that own memory
  // inside a co_await expression.
  const std::string warm = make_request("GET", "/", host);
  auto w = co_await conn.request(warm);
  if (w.status == 0) st.error("connect: " + w.error);
  co_await sleep_until(s.t0);
  while (steady::now() < s.t_end) {
    const std::size_t k = s.next++;
    if (k >= s.seats.size()) break;
    const int trip = s.seats[k].first, seat = s.seats[k].second;
    const auto t = now_us();
    const std::string lock = make_request("POST", lock_path(trip, seat), host, token);
    auto locked = co_await conn.request(lock, 10s);
    if (!is_locked(locked)) {
      st.error("lock: " + describe(locked));
      if (locked.status == 0) co_await sleep_for(10ms);
      continue;
    }
    const auto b = now_us();
    const std::string book = make_request(
        "POST", "/bookings/", host, token,
        fmt::format(R"({{"trip_id":{},"seat_numbers":[{}]}})", trip, seat));
    auto booked = co_await conn.request(book, 10s);
    const auto end = now_us();
    ++st.requests;
    if (booked.status == 201) {
      ++st.events;
      st.latency.record(end - t);
      st.second.record(end - b);
    } else {
      st.error("book: " + describe(booked));
    }
    st.last_us = std::max(st.last_us, end);
  }
}

}  // namespace

report run_bookings(common_options& c, const bookings_options& o) {
  setup_target(c);
  if (o.clients < 1 || o.clients > 10'000) throw std::invalid_argument("--clients must be 1..10000");
  if (o.duration <= 0 || o.duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
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
  bookings_state s{rt, c, users, stats, seats, {}, {}, {}};
  s.t0 = steady::now() + 200ms;
  s.t_end = s.t0 + seconds(o.duration);
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return booking_client(s, i); },
      s.t0, o.duration, stats);
  auto booked = total(stats, [](const thread_stats& x) { return x.events; });
  r.add("clients", o.clients);
  r.add_text("order", o.spread ? "spread over trips" : "trip after trip");
  r.add("duration_s", elapsed, fmt::format("{:.2f}", elapsed));
  r.add("bookings", booked);
  r.add("bookings_per_s", double(booked) / elapsed);
  r.add("errors", total(stats, [](const thread_stats& x) { return x.errors; }));
  r.add_latency("lock_and_book_latency", merged(stats, &thread_stats::latency));
  r.add_latency("book_latency", merged(stats, &thread_stats::second));
  cpu.finish(r, booked, "booking");
  if (s.next.load() >= seats.size()) r.note("the free seats ran out before the time was up");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (booked == 0) r.fail("no booking completed");
  return r;
}

}  // namespace bench
