// contention: every user races for the same free seat each round (lock, then book); exactly one
// should win and book it, checked afterwards through the seat listings and everyone's tickets.
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "scenario_kit.hpp"

namespace bench {

namespace json = boost::json;

namespace {

struct contention_state {
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  std::vector<std::pair<int, int>> seats;  // (trip, seat) raced for in round r
  std::vector<steady::time_point> start;
  std::unique_ptr<std::atomic<int>[]> winners, bookings, errors;
  // For rounds with more than one winner: when each winning lock was sent, and when the
  // booking succeeded (steady µs), to tell two simultaneous holds from a hold granted after
  // the seat was sold.
  struct span {
    std::int64_t sent = 0, done = 0;  // steady µs
    std::size_t instance = 0;         // port index the user talks to
  };
  std::mutex m;
  std::map<std::size_t, std::vector<span>> wins;  // winning locks of a round
  std::map<std::size_t, span> booking;            // the round's successful booking
};

asio::awaitable<void> contender(contention_state& s, std::size_t u) {
  auto ex = co_await asio::this_coro::executor;
  scenario_client cl(ex, s.c.tgt, u, s.stats, s.users[u].token);
  co_await cl.warm_up();
  for (std::size_t round = 0; round < s.seats.size(); ++round) {
    auto [trip, seat] = s.seats[round];
    const std::string lock = cl.request("POST", lock_path(trip, seat));
    const std::string book_body = fmt::format(
        R"({{"trip_id":{},"seat_numbers":[{}],"gender":"F","age":30,"phone_number":"+91 98765 43210"}})",
        trip, seat);
    const std::string book = cl.request("POST", "/bookings/", book_body);
    co_await sleep_until(s.start[round]);
    auto r = co_await cl.timed(lock, 10s);
    cl.st.latency.record(r.us());
    cl.count(r.done_us);
    if (is_locked(r.reply)) {
      ++s.winners[round];
      std::lock_guard lock_guard(s.m);
      s.wins[round].push_back({r.sent_us, r.done_us, u % s.c.ports.size()});
    } else if (r.reply.status != 400) {  // 400 Seat occupied / already booked: a fair loss
      ++s.errors[round];
      cl.st.error("lock: " + describe(r.reply));
    }
    // Everyone tries to book: only the holder may.
    auto b = co_await cl.timed(book, 10s);
    if (b.reply.status == 201) {
      ++s.bookings[round];
      std::lock_guard lock_guard(s.m);
      s.booking[round] = {b.sent_us, b.done_us, u % s.c.ports.size()};
    }
    else if (b.reply.status != 400) {
      ++s.errors[round];
      cl.st.error("book: " + describe(b.reply));
    }
  }
}

asio::awaitable<void> read_tickets(const target& t, const user& u, seat_check& out) {
  auto ex = co_await asio::this_coro::executor;
  http_conn conn(ex, t.endpoint(0));
  const std::string req = make_request("GET", "/bookings/my-tickets", t.host_header(0), u.token);
  auto r = co_await conn.request(req, 30s);
  boost::system::error_code ec;
  auto j = json::parse(r.body, ec);
  if (ec || !j.is_array()) {
    out.error = "my-tickets: " + describe(r);
    co_return;
  }
  for (auto& tk : j.as_array()) {
    auto& o = tk.as_object();
    int trip = int(o.at("trip").as_object().at("id").to_number<std::int64_t>());
    for (auto& seat : o.at("seats").as_array()) ++out.booked_in_tickets[{trip, int(seat.to_number<std::int64_t>())}];
  }
}

}  // namespace

report run_contention(common_options& c, const contention_options& o) {
  setup_target(c);
  if (o.users < 2 || o.users > 10'000) throw std::invalid_argument("--users must be 2..10000");
  if (o.rounds < 1 || o.rounds > 100'000) throw std::invalid_argument("--rounds must be 1..100000");
  if (o.round_ms < 1 || o.round_ms > 60'000) throw std::invalid_argument("--round-ms must be 1..60000");
  runtime rt(c.threads);
  report r("contention");
  add_common(r, c, rt);
  ensure_trips(rt, c.tgt, c.setup, c.first_trip);
  const int seats = seats_per_trip(rt, c);
  // Free seats to race for, trip after trip (earlier runs may have sold some).
  int have_trips = ensure_trips(rt, c.tgt, c.setup, c.first_trip + (o.rounds + seats - 1) / seats - 1);
  std::vector<std::pair<int, int>> chosen;
  for (int trip = c.first_trip; trip <= have_trips && chosen.size() < std::size_t(o.rounds); ++trip) {
    seat_check sc;
    rt.run(1, [&](std::size_t) { return list_seats(c.tgt, trip, sc); }, 60s);
    for (auto& p : sc.free)
      if (chosen.size() < std::size_t(o.rounds)) chosen.push_back(p);
    if (trip == have_trips && chosen.size() < std::size_t(o.rounds))
      have_trips = ensure_trips(rt, c.tgt, c.setup, have_trips + 1);
  }
  if (chosen.size() < std::size_t(o.rounds)) throw std::runtime_error("not enough free seats");
  auto users = make_users(rt, c.tgt, std::size_t(o.users), run_prefix("contention"));
  std::vector<thread_stats> stats(rt.size());
  contention_state s{c, users, stats, chosen, {}, {}, {}, {}};
  const auto t0 = steady::now() + 300ms;
  for (int i = 0; i < o.rounds; ++i) s.start.push_back(t0 + seconds(o.round_ms / 1000.0) * i);
  s.winners.reset(new std::atomic<int>[chosen.size()]);
  s.bookings.reset(new std::atomic<int>[chosen.size()]);
  s.errors.reset(new std::atomic<int>[chosen.size()]);
  for (std::size_t i = 0; i < chosen.size(); ++i) s.winners[i] = s.bookings[i] = s.errors[i] = 0;
  auto errors = rt.run(users.size(), [&s](std::size_t u) { return contender(s, u); },
                       seconds(o.rounds * o.round_ms / 1000.0) + 120s);
  for (auto& e : errors) r.fail("contender: " + e);

  // Check through the public API: the trips' seat listings and every user's tickets.
  seat_check check;
  std::set<int> trips_used;
  for (auto& p : chosen) trips_used.insert(p.first);
  std::vector<int> trip_list(trips_used.begin(), trips_used.end());
  std::vector<seat_check> per_trip(trip_list.size());
  rt.run(trip_list.size(), [&](std::size_t i) { return list_seats(c.tgt, trip_list[i], per_trip[i]); }, 120s);
  std::vector<seat_check> per_user(users.size());
  rt.run(users.size(), [&](std::size_t i) { return read_tickets(c.tgt, users[i], per_user[i]); }, 120s);
  for (auto& pt : per_trip) {
    check.booked_in_listing.insert(pt.booked_in_listing.begin(), pt.booked_in_listing.end());
    if (!pt.error.empty()) r.fail(pt.error);
  }
  for (auto& pu : per_user) {
    for (auto& [k, n] : pu.booked_in_tickets) check.booked_in_tickets[k] += n;
    if (!pu.error.empty()) r.fail(pu.error);
  }

  int exactly_one = 0, none = 0, several = 0, booked_rounds = 0, double_booked = 0, max_bookings = 0;
  int round_errors = 0, listing_mismatch = 0, after_sale = 0, simultaneous = 0, during_sale = 0;
  int several_notes = 0;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    int w = s.winners[i].load(), b = s.bookings[i].load();
    round_errors += s.errors[i].load();
    (w == 1 ? exactly_one : w == 0 ? none : several)++;
    if (w > 1) {
      // Two holds certainly coexisted when both were granted before the booking was even
      // sent; a lock sent after the booking was confirmed was granted on a sold seat.
      auto wins = s.wins[i];
      std::sort(wins.begin(), wins.end(), [](auto& a, auto& b) { return a.sent < b.sent; });
      auto bk = s.booking.count(i) ? s.booking[i] : contention_state::span{INT64_MAX, INT64_MAX};
      if (several_notes < 5) {  // the timeline, in µs from the round's start
        ++several_notes;
        const auto t0 = std::chrono::duration_cast<std::chrono::microseconds>(
                            s.start[i].time_since_epoch()).count();
        std::string line = fmt::format("round {} (trip {} seat {}):", i, chosen[i].first, chosen[i].second);
        for (auto& w : wins)
          line += fmt::format(" lock won on instance {} sent +{} answered +{};", w.instance,
                              w.sent - t0, w.done - t0);
        if (bk.sent != INT64_MAX)
          line += fmt::format(" booking on instance {} sent +{} answered +{}", bk.instance,
                              bk.sent - t0, bk.done - t0);
        r.note(line);
      }
      if (wins.size() > 1 && wins[1].sent > bk.done)
        ++after_sale;
      else if (wins.size() > 1 && wins[0].done < bk.sent && wins[1].done < bk.sent)
        ++simultaneous;
      else
        ++during_sale;
    }
    if (b >= 1) ++booked_rounds;
    if (b > 1) ++double_booked;
    int in_tickets = check.booked_in_tickets.count(chosen[i]) ? check.booked_in_tickets[chosen[i]] : 0;
    max_bookings = std::max({max_bookings, b, in_tickets});
    bool listed = check.booked_in_listing.count(chosen[i]) > 0;
    if (listed != (b >= 1) || in_tickets != b) ++listing_mismatch;
  }
  auto lat = merged(stats, &thread_stats::latency);
  r.add("users", o.users);
  r.add("rounds", o.rounds);
  r.add("rounds_with_one_winner", exactly_one);
  r.add("rounds_with_no_winner", none);
  r.add("rounds_with_several_winners", several);
  r.add("seats_booked", booked_rounds);
  r.add("max_bookings_per_seat", max_bookings);
  r.add("api_check_mismatches", listing_mismatch);
  r.add("unexpected_errors", round_errors);
  r.add_latency("lock_latency", lat);
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (several > 0) {
    r.add("several_winners_both_held", simultaneous);
    r.add("several_winners_during_booking", during_sale);
    r.add("several_winners_after_sale", after_sale);
    r.fail(fmt::format("{} rounds had more than one winner ({} with both holds granted before the "
                       "booking was sent, {} while the booking ran, {} on a seat already sold)",
                       several, simultaneous, during_sale, after_sale));
  }
  if (none > 0) r.fail(fmt::format("{} rounds had no winner", none));
  if (double_booked > 0 || max_bookings > 1) r.fail("a seat was booked more than once");
  if (listing_mismatch > 0)
    r.fail(fmt::format("{} seats: the seat listing or the tickets disagree with the bookings made",
                       listing_mismatch));
  return r;
}

}  // namespace bench
