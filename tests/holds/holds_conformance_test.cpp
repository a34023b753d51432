// One conformance suite for every hold engine: in-process, and Redis (a real redis-server).
// Drives the public hold_engine interface on a real io_context and checks the rules, the
// events (order, exactly once) and expiry at the deadline.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "holds/hold_engine.hpp"
#include "holds/memory_engine.hpp"
#include "holds/redis_engine.hpp"
#include "integration/redis_test_server.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct backend {
  std::string name;
  std::function<std::unique_ptr<hold_engine>(asio::any_io_executor, const clock&, hold_policy,
                                             event_sink)>
      make;
};

std::ostream& operator<<(std::ostream& os, const backend& b) { return os << b.name; }

// Collects events as the engine emits them.
struct event_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<seat_event> events;
  void add(const seat_event& e) {
    std::lock_guard lock(m);
    events.push_back(e);
    cv.notify_all();
  }
  // Waits until `pred(events)` holds or the timeout passes.
  bool wait(std::function<bool(const std::vector<seat_event>&)> pred,
            std::chrono::milliseconds timeout = 3s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, [&] { return pred(events); });
  }
  std::vector<seat_event> copy() {
    std::lock_guard lock(m);
    return events;
  }
};

class hold_engine_conformance : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override { make({300s, 6}); }
  void make(hold_policy policy) {
    if (engine_) engine_->stop();
    engine_.reset();
    engine_ = GetParam().make(ioc_.get_executor(), clk_, policy,
                              [this](const seat_event& e) { log_.add(e); });
    engine_->start();
  }
  void TearDown() override {
    engine_->stop();
    work_.reset();
    for (auto& t : threads_) t.join();
    engine_.reset();
  }
  template <class T>
  T run(asio::awaitable<T> a) {
    return asio::co_spawn(ioc_, std::move(a), asio::use_future).get();
  }
  void run_void(asio::awaitable<void> a) { asio::co_spawn(ioc_, std::move(a), asio::use_future).get(); }

  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{ioc_.get_executor()};
  std::vector<std::thread> threads_ = [this] {
    std::vector<std::thread> t;
    for (int i = 0; i < 2; ++i) t.emplace_back([this] { ioc_.run(); });
    return t;
  }();
  system_clock clk_;
  event_log log_;
  std::unique_ptr<hold_engine> engine_;
};

TEST_P(hold_engine_conformance, take_renew_release) {
  auto h = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->user, 100);
  auto other = run(engine_->take(1, 7, 200));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), errc::seat_occupied);
  auto renewed = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(renewed);
  EXPECT_GE(renewed->expires_at, h->expires_at);
  EXPECT_EQ(*run(engine_->release(1, 7, 200)), false);
  EXPECT_EQ(*run(engine_->release(1, 7, 100)), true);
  EXPECT_EQ(*run(engine_->release(1, 7, 100)), false);
  ASSERT_TRUE(run(engine_->take(1, 7, 200)));
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].kind, seat_event_kind::locked);
  EXPECT_EQ(ev[1].kind, seat_event_kind::locked);
  EXPECT_EQ(ev[2].kind, seat_event_kind::unlocked);
  EXPECT_EQ(ev[2].user, 100);
  EXPECT_EQ(ev[3].kind, seat_event_kind::locked);
  for (std::size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].seq, i + 1);
}

TEST_P(hold_engine_conformance, cap_per_user_per_trip) {
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(engine_->take(1, s, 100)));
  auto r = run(engine_->take(1, 7, 100));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::hold_limit);
  EXPECT_TRUE(run(engine_->take(2, 7, 100)));
}

TEST_P(hold_engine_conformance, pin_is_all_or_nothing_and_books) {
  ASSERT_TRUE(run(engine_->take(1, 1, 100)));
  ASSERT_TRUE(run(engine_->take(1, 2, 100)));
  ASSERT_TRUE(run(engine_->take(1, 3, 200)));
  std::vector<int> seats{1, 2, 3};
  auto refused = run(engine_->pin(1, seats, 100));
  EXPECT_EQ(refused.code, errc::not_holder);
  EXPECT_EQ(refused.seat, 3);
  std::vector<int> mine{1, 2};
  EXPECT_FALSE(run(engine_->pin(1, mine, 100)).code);
  EXPECT_FALSE(run(engine_->take(1, 1, 200)));        // pinned: still taken
  EXPECT_EQ(*run(engine_->release(1, 1, 100)), false);  // and not releasable meanwhile
  run_void(engine_->unpin(1, mine, 100, true));
  auto ev = log_.copy();
  ASSERT_EQ(ev.back().kind, seat_event_kind::booked);
  EXPECT_EQ(ev.back().seats, mine);
  auto snap = run(engine_->snapshot(1));
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->holds.size(), 1u);
  EXPECT_EQ(snap->holds[0].seat, 3);
  EXPECT_EQ(snap->seq, ev.back().seq);
}

// A sold seat stays refused until a cancellation frees it: with several instances the trip
// catalog of another instance may not have heard of the sale yet, so the engine must know.
TEST_P(hold_engine_conformance, a_sold_seat_cannot_be_taken_until_released) {
  ASSERT_TRUE(run(engine_->take(1, 5, 100)));
  ASSERT_FALSE(run(engine_->pin(1, {5}, 100)).code);
  run_void(engine_->unpin(1, {5}, 100, true));
  for (row_id user : {100, 200}) {
    auto again = run(engine_->take(1, 5, user));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::seat_booked);
  }
  EXPECT_TRUE(run(engine_->take(1, 6, 200)));  // the trip's other seats are not affected
  EXPECT_TRUE(run(engine_->take(2, 5, 200)));  // nor the same seat of another trip
  run_void(engine_->announce_freed(1, {5}));
  auto after = run(engine_->take(1, 5, 200));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->user, 200);
}

TEST_P(hold_engine_conformance, failed_booking_returns_the_holds) {
  ASSERT_TRUE(run(engine_->take(1, 1, 100)));
  std::vector<int> seats{1};
  ASSERT_FALSE(run(engine_->pin(1, seats, 100)).code);
  run_void(engine_->unpin(1, seats, 100, false));
  EXPECT_FALSE(run(engine_->take(1, 1, 200)));
  EXPECT_EQ(*run(engine_->release(1, 1, 100)), true);
}

TEST_P(hold_engine_conformance, released_and_counts) {
  ASSERT_TRUE(run(engine_->take(1, 1, 100)));
  ASSERT_TRUE(run(engine_->take(1, 2, 101)));
  ASSERT_TRUE(run(engine_->take(3, 1, 100)));
  std::vector<row_id> trips{1, 2, 3};
  auto counts = run(engine_->held_counts(trips));
  ASSERT_TRUE(counts);
  EXPECT_EQ(*counts, (std::vector<std::size_t>{2, 0, 1}));
  std::vector<int> freed{5, 6};
  run_void(engine_->announce_freed(1, freed));
  auto ev = log_.copy();
  EXPECT_EQ(ev.back().kind, seat_event_kind::released);
  EXPECT_EQ(ev.back().seats, freed);
  EXPECT_EQ(ev.back().seq, 3u);
  EXPECT_FALSE(engine_->epoch().empty());
}

TEST_P(hold_engine_conformance, expiry_fires_at_the_deadline_once) {
  make({300ms, 6});
  auto h = run(engine_->take(5, 9, 100));
  ASSERT_TRUE(h);
  ASSERT_TRUE(log_.wait([](auto& ev) { return ev.size() >= 2; }));
  auto fired = system_clock{}.now();
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, seat_event_kind::expired);
  EXPECT_EQ(ev[1].seats, std::vector<int>{9});
  EXPECT_EQ(ev[1].seq, 2u);
  EXPECT_GE(fired, h->expires_at);  // never before the deadline
  EXPECT_TRUE(run(engine_->take(5, 9, 200)));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(log_.copy().size(), 3u);  // exactly once
}

TEST_P(hold_engine_conformance, many_deadlines_all_expire_in_order) {
  hold_policy many{200ms, 100};
  many.max_per_account = 100;  // each user holds 40 seats here
  make(many);
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(run(engine_->take(100 + i % 50, i / 50 + 1, i % 50)));
  ASSERT_TRUE(log_.wait([](auto& ev) { return ev.size() >= 4000; }, 10s));
  auto ev = log_.copy();
  std::size_t expired = 0;
  for (auto& e : ev) expired += e.kind == seat_event_kind::expired;
  EXPECT_EQ(expired, 2000u);
  for (int t = 0; t < 50; ++t) {
    auto snap = run(engine_->snapshot(100 + t));
    EXPECT_TRUE(snap->holds.empty());
  }
}

TEST_P(hold_engine_conformance, concurrent_takers_one_winner_and_ordered_events) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> winners{0};
    std::vector<std::future<void>> done;
    for (int u = 0; u < 50; ++u)
      done.push_back(asio::co_spawn(
          ioc_,
          [&, u]() -> asio::awaitable<void> {
            auto r = co_await engine_->take(7, round + 1, 1000 + u);
            if (r) ++winners;
          },
          asio::use_future));
    for (auto& f : done) f.get();
    EXPECT_EQ(winners.load(), 1);
  }
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), 20u);
  for (std::size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].seq, i + 1);  // sink order = seq order
}

// ---------------------------------------------------------------- against hoarding (issue 11)

// Renewing forever kept a seat forever: a hold's whole life is capped from its first take.
TEST_P(hold_engine_conformance, renewals_stop_at_the_maximum_lifetime) {
  hold_policy p{300ms, 6};
  p.max_lifetime = 600ms;
  make(p);
  auto first = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(first);
  const auto cap = first->expires_at - 300ms + 600ms;  // taken + the maximum lifetime
  // The holder renews every 100 ms; the hold still lapses, at the cap.
  bool expired = false;
  for (int i = 0; i < 40 && !expired; ++i) {
    std::this_thread::sleep_for(100ms);
    auto renewed = run(engine_->take(1, 7, 100));
    if (!renewed) {
      EXPECT_EQ(renewed.error(), errc::hold_cooldown);  // it lapsed: the holder must wait
      expired = true;
      break;
    }
    EXPECT_LE(renewed->expires_at, cap);
    for (auto& e : log_.copy()) expired |= e.kind == seat_event_kind::expired;
  }
  EXPECT_TRUE(expired) << "renewals kept the hold alive past its maximum lifetime";
  auto other = run(engine_->take(1, 7, 200));
  EXPECT_TRUE(other);  // someone else's turn
}

// Unlock + lock every few minutes kept a seat forever: each re-take restarted the hold's life.
TEST_P(hold_engine_conformance, release_and_retake_does_not_restart_the_lifetime) {
  hold_policy p{1000ms, 6};
  p.max_lifetime = 2000ms;
  p.cooldown = 5000ms;
  make(p);
  auto first = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(first);
  const auto cap = first->expires_at - 1000ms + 2000ms;  // taken + the maximum lifetime
  // Deselecting by mistake and selecting again still works (within the same life).
  ASSERT_EQ(*run(engine_->release(1, 7, 100)), true);
  auto back = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(back);
  EXPECT_LE(back->expires_at, cap);
  // The hoarder unlocks and relocks every 150 ms: the seat is still lost at the cap.
  bool refused = false;
  while (!refused && system_clock{}.now() < cap + 1000ms) {
    std::this_thread::sleep_for(150ms);
    (void)run(engine_->release(1, 7, 100));  // false once the hold lapsed at the cap
    auto again = run(engine_->take(1, 7, 100));
    if (!again) {
      EXPECT_EQ(again.error(), errc::hold_cooldown);
      refused = true;
    } else {
      EXPECT_LE(again->expires_at, cap) << "unlock + lock restarted the hold's life";
    }
  }
  EXPECT_TRUE(refused) << "unlock + lock kept the hold past its maximum lifetime";
  EXPECT_EQ(run(engine_->take(1, 7, 100)).error(), errc::hold_cooldown);
  EXPECT_TRUE(run(engine_->take(1, 7, 200)));  // anyone else may take it at once
}

// Seven accounts held a whole bus: an account's holds are capped across trips.
TEST_P(hold_engine_conformance, accounts_are_capped_across_trips) {
  hold_policy p{300s, 6};
  p.max_per_account = 12;
  make(p);
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(engine_->take(1, s, 100)));
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(engine_->take(2, s, 100)));
  auto thirteenth = run(engine_->take(3, 1, 100));
  ASSERT_FALSE(thirteenth);
  EXPECT_EQ(thirteenth.error(), errc::account_hold_limit);
  EXPECT_TRUE(run(engine_->take(2, 6, 100)));  // renewing is not a new hold
  EXPECT_TRUE(run(engine_->take(3, 1, 200)));  // other accounts are not affected
  EXPECT_EQ(*run(engine_->release(1, 1, 100)), true);
  EXPECT_TRUE(run(engine_->take(3, 2, 100)));  // room again after a release
  EXPECT_FALSE(run(engine_->take(3, 3, 100)));
  ASSERT_FALSE(run(engine_->pin(2, {1, 2}, 100)).code);
  run_void(engine_->unpin(2, {1, 2}, 100, true));  // sold: no longer held
  EXPECT_TRUE(run(engine_->take(3, 3, 100)));
  EXPECT_TRUE(run(engine_->take(3, 4, 100)));
  auto over = run(engine_->take(4, 1, 100));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), errc::account_hold_limit);
  // A take refused for another reason does not use up one of the account's holds.
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(engine_->take(5, s, 500)));
  for (int s = 1; s <= 5; ++s) ASSERT_TRUE(run(engine_->take(6, s, 500)));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(engine_->take(3, 1, 500)).error(), errc::seat_occupied);
  EXPECT_TRUE(run(engine_->take(6, 6, 500)));  // the twelfth
  EXPECT_EQ(run(engine_->take(7, 1, 500)).error(), errc::account_hold_limit);
}

// A lapsed hold cannot be taken straight back by its holder (others can take it).
TEST_P(hold_engine_conformance, a_lapsed_hold_cools_down_for_its_holder_only) {
  hold_policy p{200ms, 6};
  p.cooldown = 1500ms;
  make(p);
  auto h = run(engine_->take(1, 7, 100));
  ASSERT_TRUE(h);
  ASSERT_TRUE(log_.wait([](auto& ev) { return ev.size() >= 2; }));  // lapsed
  auto again = run(engine_->take(1, 7, 100));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), errc::hold_cooldown);
  EXPECT_TRUE(run(engine_->take(1, 8, 100)));  // the holder's other seats are fine
  EXPECT_TRUE(run(engine_->take(1, 7, 200)));  // another user is not held back
  EXPECT_EQ(*run(engine_->release(1, 7, 200)), true);
  EXPECT_EQ(run(engine_->take(1, 7, 100)).error(), errc::hold_cooldown);
  // Once the cool-down (from the deadline) is over, the seat is the holder's to take again.
  while (system_clock{}.now() < h->expires_at + 1500ms) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(run(engine_->take(1, 7, 100)));
}

// ---------------------------------------------------------------- groups (issue 16)

std::vector<int> seats_of(const hold_snapshot& s, row_id user) {
  std::vector<int> out;
  for (const auto& h : s.holds)
    if (h.user == user) out.push_back(h.seat);
  return out;
}

// Every seat or none: one seat taken by someone else refuses the whole group, names that seat
// and changes nothing; the group that fits is one event, one seq, one deadline.
TEST_P(hold_engine_conformance, a_group_is_taken_whole_or_not_at_all) {
  ASSERT_TRUE(run(engine_->take(1, 3, 200)));
  auto refused = run(engine_->take_group(1, {1, 2, 3, 4}, 100));
  EXPECT_EQ(refused.code, errc::seat_occupied);
  EXPECT_EQ(refused.seat, 3);
  EXPECT_TRUE(refused.holds.empty());
  auto snap = run(engine_->snapshot(1));
  ASSERT_TRUE(snap);
  EXPECT_TRUE(seats_of(*snap, 100).empty());
  EXPECT_EQ(log_.copy().size(), 1u);  // only 200's take

  auto group = run(engine_->take_group(1, {4, 1, 2}, 100));
  ASSERT_FALSE(group.code) << group.code.message();
  EXPECT_EQ(group.seat_nos(), (std::vector<int>{1, 2, 4}));
  for (const auto& h : group.holds) {
    EXPECT_EQ(h.user, 100);
    EXPECT_EQ(h.expires_at, group.expires_at());
  }
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, seat_event_kind::locked);
  EXPECT_EQ(ev[1].seats, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(ev[1].user, 100);
  EXPECT_EQ(ev[1].seq, 2u);
  EXPECT_EQ(ev[1].expires_at, group.expires_at());
  snap = run(engine_->snapshot(1));
  EXPECT_EQ(seats_of(*snap, 100), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(snap->seq, 2u);

  // A sold seat refuses the group too, by its number.
  ASSERT_FALSE(run(engine_->pin(1, {4}, 100)).code);
  run_void(engine_->unpin(1, {4}, 100, true));
  auto sold = run(engine_->take_group(1, {5, 4}, 200));
  EXPECT_EQ(sold.code, errc::seat_booked);
  EXPECT_EQ(sold.seat, 4);
  EXPECT_TRUE(seats_of(*run(engine_->snapshot(1)), 200) == std::vector<int>{3});
}

// A seat named twice is one seat; a group is 1..12 seats numbered from 1; the caps count the
// group's new seats together (renewals are not new). Whether the trip has the seats is the
// caller's check (the HTTP layer, from the trip's seat count): an engine knows no coach.
TEST_P(hold_engine_conformance, group_bounds_dedup_and_caps) {
  hold_policy p{300s, 6};
  p.max_per_account = 12;
  make(p);
  auto twice = run(engine_->take_group(1, {5, 5, 6}, 100));
  ASSERT_FALSE(twice.code);
  EXPECT_EQ(twice.seat_nos(), (std::vector<int>{5, 6}));
  EXPECT_EQ(log_.copy().back().seats, (std::vector<int>{5, 6}));
  const auto events = log_.copy().size();
  std::vector<int> thirteen;
  for (int s = 1; s <= 13; ++s) thirteen.push_back(s);
  for (const auto& bad : std::vector<std::vector<int>>{{}, {0, 1}, {-3}, thirteen}) {
    auto r = run(engine_->take_group(2, bad, 100));
    EXPECT_EQ(r.code, errc::invalid_seats) << bad.size();
    EXPECT_EQ(r.seat, 0);
  }
  // Renewing 6 and taking 7..11: five new would pass the cap of 6 per trip (2 + 5 > 6)...
  auto over = run(engine_->take_group(1, {6, 7, 8, 9, 10, 11}, 100));
  EXPECT_EQ(over.code, errc::hold_limit);
  EXPECT_EQ(over.seat, 0);
  EXPECT_EQ(log_.copy().size(), events);  // nothing changed, nothing told
  // ... three new fit (2 + 3, and a renewal).
  auto fits = run(engine_->take_group(1, {6, 7, 8, 9}, 100));
  ASSERT_FALSE(fits.code) << fits.code.message();
  EXPECT_EQ(fits.seat_nos(), (std::vector<int>{6, 7, 8, 9}));
  EXPECT_EQ(seats_of(*run(engine_->snapshot(1)), 100), (std::vector<int>{5, 6, 7, 8, 9}));
  // Across trips: 5 + 5 held, a group of three more passes the account's 12...
  ASSERT_FALSE(run(engine_->take_group(2, {1, 2, 3, 4, 5}, 100)).code);
  auto account = run(engine_->take_group(3, {1, 2, 3}, 100));
  EXPECT_EQ(account.code, errc::account_hold_limit);
  // ... and a group refused for a taken seat does not use up the account's room.
  ASSERT_TRUE(run(engine_->take(3, 9, 200)));
  auto taken = run(engine_->take_group(3, {8, 9}, 100));
  EXPECT_EQ(taken.code, errc::seat_occupied);
  EXPECT_EQ(taken.seat, 9);
  EXPECT_FALSE(run(engine_->take_group(3, {7, 8}, 100)).code);  // the eleventh and twelfth
  EXPECT_EQ(run(engine_->take_group(3, {6}, 100)).code, errc::account_hold_limit);
  // The largest group fits when the caps allow it.
  hold_policy wide{300s, 12};
  wide.max_per_account = 12;
  make(wide);
  std::vector<int> twelve(thirteen.begin(), thirteen.end() - 1);
  auto all = run(engine_->take_group(4, twelve, 300));
  ASSERT_FALSE(all.code) << all.code.message();
  EXPECT_EQ(all.seat_nos(), twelve);
}

// Extend at checkout moves every hold of the caller on the trip, never past the lifetime cap
// counted from each hold's first take; viewers get the new deadline; a hold at its cap stays.
TEST_P(hold_engine_conformance, extend_moves_the_group_up_to_the_cap) {
  hold_policy p{1000ms, 6};
  p.max_lifetime = 1500ms;
  make(p);
  auto group = run(engine_->take_group(1, {1, 2}, 100));
  ASSERT_FALSE(group.code);
  ASSERT_TRUE(run(engine_->take(1, 9, 200)));
  const auto cap = group.expires_at() - 1000ms + 1500ms;  // first take + the maximum lifetime
  EXPECT_TRUE(run(engine_->extend(1, 200))->size() == 1u);
  const auto before = log_.copy().size();

  std::this_thread::sleep_for(300ms);
  auto moved = run(engine_->extend(1, 100));
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_GT((*moved)[0].expires_at, group.expires_at());
  EXPECT_LE((*moved)[0].expires_at, cap);
  EXPECT_EQ((*moved)[0].expires_at, (*moved)[1].expires_at);
  auto ev = log_.copy();
  ASSERT_GE(ev.size(), before + 1);
  EXPECT_EQ(ev.back().kind, seat_event_kind::locked);
  EXPECT_EQ(ev.back().seats, (std::vector<int>{1, 2}));
  EXPECT_EQ(ev.back().expires_at, (*moved)[0].expires_at);
  EXPECT_EQ(ev.back().user, 100);

  std::this_thread::sleep_for(400ms);  // now + ttl is past the cap: the cap it is
  auto capped = run(engine_->extend(1, 100));
  ASSERT_TRUE(capped);
  ASSERT_EQ(capped->size(), 2u);
  for (const auto& h : *capped) EXPECT_EQ(h.expires_at, cap);
  auto locks = [this] {
    std::size_t n = 0;
    for (auto& e : log_.copy()) n += e.kind == seat_event_kind::locked;
    return n;
  };
  const auto at_cap = locks();
  auto again = run(engine_->extend(1, 100));  // nothing moves: nothing is told
  ASSERT_TRUE(again);
  for (const auto& h : *again) EXPECT_EQ(h.expires_at, cap);
  EXPECT_EQ(locks(), at_cap);
  EXPECT_TRUE(run(engine_->extend(1, 300))->empty());  // holds nothing there
  EXPECT_TRUE(run(engine_->extend(2, 100))->empty());

  // At the cap both lapse, each told once; 200's hold was never touched by 100's extends.
  ASSERT_TRUE(log_.wait([](auto& e) {
    std::size_t n = 0;
    for (auto& x : e) n += x.kind == seat_event_kind::expired && x.user == 0 && x.seats.size() == 1 &&
                           (x.seats[0] == 1 || x.seats[0] == 2);
    return n == 2;
  }, 4s));
  EXPECT_GE(system_clock{}.now(), cap);
  ev = log_.copy();
  for (std::size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].seq, i + 1);
}

TEST_P(hold_engine_conformance, release_all_frees_the_callers_holds_on_the_trip) {
  ASSERT_FALSE(run(engine_->take_group(1, {1, 2, 3}, 100)).code);
  ASSERT_TRUE(run(engine_->take(2, 4, 100)));
  ASSERT_TRUE(run(engine_->take(1, 5, 200)));
  ASSERT_FALSE(run(engine_->pin(1, {3}, 100)).code);  // being booked: not released
  const auto before = log_.copy().size();
  auto freed = run(engine_->release_all(1, 100));
  ASSERT_TRUE(freed);
  EXPECT_EQ(*freed, (std::vector<int>{1, 2}));
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), before + 2);
  for (std::size_t i = before; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].kind, seat_event_kind::unlocked);
    EXPECT_EQ(ev[i].user, 100);
    EXPECT_EQ(ev[i].seats, std::vector<int>{int(i - before) + 1});
    EXPECT_EQ(ev[i].seq, ev[i - 1].seq + 1);
  }
  auto snap = run(engine_->snapshot(1));
  EXPECT_EQ(seats_of(*snap, 100), std::vector<int>{3});
  EXPECT_EQ(seats_of(*snap, 200), std::vector<int>{5});
  EXPECT_EQ(seats_of(*run(engine_->snapshot(2)), 100), std::vector<int>{4});  // other trips stay
  EXPECT_TRUE(run(engine_->take(1, 1, 200)));  // anyone may take them at once
  run_void(engine_->unpin(1, {3}, 100, false));
  EXPECT_EQ(*run(engine_->release_all(1, 100)), std::vector<int>{3});
  const auto after = log_.copy().size();
  EXPECT_TRUE(run(engine_->release_all(1, 100))->empty());  // nothing left: nothing told
  EXPECT_EQ(log_.copy().size(), after);
  // Released holds no longer count against the caps: a whole new group fits.
  EXPECT_FALSE(run(engine_->take_group(1, {6, 7, 8, 9, 10, 11}, 100)).code);
}

// Overlapping groups raced by many users: each seat held by at most one, each group whole or
// not at all, one event per group won, in seq order.
TEST_P(hold_engine_conformance, racing_overlapping_groups) {
  hold_policy p{300s, 12};
  p.max_per_account = 100;
  make(p);
  for (int round = 0; round < 5; ++round) {
    const row_id trip = 20 + round;
    std::vector<std::future<group_outcome>> done;
    for (int u = 0; u < 20; ++u) {
      std::vector<int> seats{1 + u % 10, 2 + u % 10, 3 + u % 10};
      done.push_back(asio::co_spawn(ioc_, engine_->take_group(trip, seats, 1000 + u),
                                    asio::use_future));
    }
    std::map<row_id, std::vector<int>> won;
    for (int u = 0; u < 20; ++u) {
      auto r = done[std::size_t(u)].get();
      if (!r.code) {
        won[1000 + u] = r.seat_nos();
      } else {
        EXPECT_EQ(r.code, errc::seat_occupied);
      }
    }
    EXPECT_FALSE(won.empty());
    auto snap = run(engine_->snapshot(trip));
    std::size_t held = 0;
    for (auto& [user, seats] : won) {
      EXPECT_EQ(seats_of(*snap, user), seats);
      held += seats.size();
    }
    EXPECT_EQ(snap->holds.size(), held);  // no seat of a losing group stayed held
  }
  auto ev = log_.copy();
  for (std::size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].seats.size(), 3u);
  std::map<row_id, std::uint64_t> last;
  for (auto& e : ev) EXPECT_EQ(e.seq, ++last[e.trip]);
}

// ---------------------------------------------------------------- waiting-list offers (issue 16)

// An offer is take_group's all-or-none step for the queued user: a seat held by someone else
// (or sold) refuses the whole offer, names that seat and changes nothing.
TEST_P(hold_engine_conformance, an_offer_is_taken_whole_or_not_at_all) {
  ASSERT_TRUE(run(engine_->take(1, 3, 200)));
  auto refused = run(engine_->take_offer(1, {1, 2, 3}, 100));
  EXPECT_EQ(refused.code, errc::seat_occupied);
  EXPECT_EQ(refused.seat, 3);
  EXPECT_TRUE(refused.holds.empty());
  EXPECT_TRUE(seats_of(*run(engine_->snapshot(1)), 100).empty());
  EXPECT_EQ(log_.copy().size(), 1u);  // only 200's take
  ASSERT_FALSE(run(engine_->pin(1, {3}, 200)).code);
  run_void(engine_->unpin(1, {3}, 200, true));
  auto sold = run(engine_->take_offer(1, {3, 4}, 100));
  EXPECT_EQ(sold.code, errc::seat_booked);
  EXPECT_EQ(sold.seat, 3);
  EXPECT_EQ(run(engine_->take_offer(1, {}, 100)).code, errc::invalid_seats);
  EXPECT_TRUE(seats_of(*run(engine_->snapshot(1)), 100).empty());
}

// The event is one SEAT_LOCKED for the offered seats, marked as an offer to the user, in seq
// order with every other change; an ordinary take is not marked.
TEST_P(hold_engine_conformance, an_offer_is_one_lock_event_marked_offer) {
  ASSERT_TRUE(run(engine_->take(1, 9, 200)));
  auto offer = run(engine_->take_offer(1, {5, 2, 4}, 100));
  ASSERT_FALSE(offer.code) << offer.code.message();
  EXPECT_EQ(offer.seat_nos(), (std::vector<int>{2, 4, 5}));
  for (const auto& h : offer.holds) {
    EXPECT_EQ(h.user, 100);
    EXPECT_EQ(h.expires_at, offer.expires_at());
  }
  ASSERT_TRUE(log_.wait([](auto& ev) { return ev.size() >= 2; }));
  auto ev = log_.copy();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_FALSE(ev[0].offer);
  EXPECT_EQ(ev[1].kind, seat_event_kind::locked);
  EXPECT_TRUE(ev[1].offer);
  EXPECT_EQ(ev[1].user, 100);
  EXPECT_EQ(ev[1].seats, (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(ev[1].seq, 2u);
  EXPECT_EQ(ev[1].expires_at, offer.expires_at());
  auto snap = run(engine_->snapshot(1));
  EXPECT_EQ(seats_of(*snap, 100), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(snap->seq, 2u);
  // The offered holds are the user's as any other: released one by one, not marked.
  EXPECT_EQ(*run(engine_->release(1, 2, 100)), true);
  ASSERT_TRUE(run(engine_->take(1, 6, 100)));
  ev = log_.copy();
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_FALSE(ev[2].offer);
  EXPECT_FALSE(ev[3].offer);
}

// Neither the per-trip nor the per-account cap nor the cool-down applies to an offer; its
// holds still count against the user's own takes afterwards.
TEST_P(hold_engine_conformance, an_offer_skips_the_caps_and_the_cooldown) {
  // The holds live 1 s: long enough for the checks after the offer, short enough to lapse.
  hold_policy p{1000ms, 2};
  p.max_per_account = 3;
  p.cooldown = 30s;
  make(p);
  ASSERT_TRUE(run(engine_->take(1, 7, 100)));
  ASSERT_TRUE(log_.wait([](auto& ev) { return ev.size() >= 2; }));  // lapsed: cooling down
  EXPECT_EQ(run(engine_->take(1, 7, 100)).error(), errc::hold_cooldown);
  ASSERT_TRUE(run(engine_->take(2, 1, 100)));
  ASSERT_TRUE(run(engine_->take(2, 2, 100)));
  // Four seats of trip 1 (cap 2 per trip), six held in all (cap 3), seat 7 cooling down.
  auto offer = run(engine_->take_offer(1, {4, 5, 6, 7}, 100));
  ASSERT_FALSE(offer.code) << offer.code.message();
  EXPECT_EQ(offer.seat_nos(), (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(seats_of(*run(engine_->snapshot(1)), 100), (std::vector<int>{4, 5, 6, 7}));
  // The offer's holds count: the user is over both caps for a take of their own.
  // (Which cap answers first is the engine's: Redis checks the account before the trip.)
  auto eighth = run(engine_->take(1, 8, 100));
  ASSERT_FALSE(eighth);
  EXPECT_TRUE(eighth.error() == errc::hold_limit || eighth.error() == errc::account_hold_limit)
      << eighth.error().message();
  EXPECT_EQ(run(engine_->take(3, 1, 100)).error(), errc::account_hold_limit);
  EXPECT_EQ(run(engine_->take_group(3, {1}, 100)).code, errc::account_hold_limit);
  EXPECT_TRUE(run(engine_->take(3, 1, 200)));  // others are not affected
}

std::unique_ptr<hold_engine> make_memory(asio::any_io_executor ex, const clock& clk,
                                         hold_policy policy, event_sink sink) {
  return std::make_unique<memory_engine>(ex, clk, policy, std::move(sink));
}

// One real redis-server for the whole binary (started on first use), emptied before each
// engine so every test starts from seq 0.
std::unique_ptr<hold_engine> make_redis(asio::any_io_executor ex, const clock& clk,
                                        hold_policy policy, event_sink sink) {
  static test::redis_test_server server;
  server.command({"FLUSHALL"});
  redis_engine::options opts;
  opts.redis = redis_engine::redis_engine_config(server.url());
  return std::make_unique<redis_engine>(ex, clk, policy, opts, std::move(sink));
}

INSTANTIATE_TEST_SUITE_P(engines, hold_engine_conformance,
                         ::testing::Values(backend{"memory", make_memory},
                                           backend{"redis", make_redis}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace seatd
