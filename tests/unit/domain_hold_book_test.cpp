// The hold rules with an injected clock: no sleeps, every deadline exact.
#include <gtest/gtest.h>

#include <map>

#include "domain/hold_book.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;

class hold_book_test : public ::testing::Test {
 protected:
  manual_clock clk;
  hold_book book{hold_policy{300s, 6}};
  std::vector<seat_event> events;

  sys_ms now() const { return clk.now(); }
  result<hold> take(row_id trip, int seat, row_id user) { return book.take(trip, seat, user, now(), events); }
};

TEST_F(hold_book_test, take_grants_a_free_seat_with_the_ttl) {
  auto h = take(1, 7, 100);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->user, 100);
  EXPECT_EQ(h->expires_at, now() + 300s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, seat_event_kind::locked);
  EXPECT_EQ(events[0].seats, std::vector<int>{7});
  EXPECT_EQ(events[0].user, 100);
  EXPECT_EQ(events[0].seq, 1u);
  EXPECT_EQ(events[0].expires_at, now() + 300s);
}

TEST_F(hold_book_test, another_user_is_refused) {
  ASSERT_TRUE(take(1, 7, 100));
  auto h = take(1, 7, 200);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error(), errc::seat_occupied);
  EXPECT_EQ(events.size(), 1u);  // no event for a refusal
}

TEST_F(hold_book_test, holder_renews_and_viewers_learn_the_new_deadline) {
  ASSERT_TRUE(take(1, 7, 100));
  clk.advance(100s);
  auto h = take(1, 7, 100);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->expires_at, now() + 300s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, seat_event_kind::locked);
  EXPECT_EQ(events[1].seq, 2u);
  // The old deadline no longer applies.
  clk.advance(250s);
  events.clear();
  book.expire_due(now(), events);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(book.next_deadline(), h->expires_at);
}

TEST_F(hold_book_test, release_only_by_the_holder) {
  ASSERT_TRUE(take(1, 7, 100));
  EXPECT_FALSE(book.release(1, 7, 200, now(), events));
  EXPECT_EQ(events.size(), 1u);
  EXPECT_TRUE(book.release(1, 7, 100, now(), events));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, seat_event_kind::unlocked);
  EXPECT_EQ(events[1].user, 100);
  EXPECT_EQ(events[1].seq, 2u);
  EXPECT_TRUE(take(1, 7, 200));  // free again
  EXPECT_FALSE(book.release(1, 8, 100, now(), events));  // never held
}

TEST_F(hold_book_test, expiry_happens_exactly_at_the_deadline) {
  ASSERT_TRUE(take(1, 7, 100));
  clk.advance(300s - 1ms);
  book.expire_due(now(), events);
  EXPECT_EQ(events.size(), 1u);  // one millisecond early: still held
  EXPECT_FALSE(take(1, 7, 200));
  clk.advance(1ms);
  book.expire_due(now(), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, seat_event_kind::expired);
  EXPECT_EQ(events[1].user, 0);  // expiry tells no user
  EXPECT_EQ(events[1].seq, 2u);
  EXPECT_TRUE(take(1, 7, 200));
}

TEST_F(hold_book_test, expiry_on_access_before_the_sweep) {
  ASSERT_TRUE(take(1, 7, 100));
  clk.advance(300s);
  // No sweep ran; the next take sees the deadline passed and expires first.
  auto h = take(1, 7, 200);
  ASSERT_TRUE(h);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, seat_event_kind::expired);
  EXPECT_EQ(events[2].kind, seat_event_kind::locked);
  EXPECT_EQ(events[2].seq, 3u);
}

TEST_F(hold_book_test, cap_per_user_per_trip) {
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(take(1, s, 100));
  auto seventh = take(1, 7, 100);
  ASSERT_FALSE(seventh);
  EXPECT_EQ(seventh.error(), errc::hold_limit);
  EXPECT_TRUE(take(2, 7, 100));       // another trip has its own cap
  EXPECT_TRUE(take(1, 6, 100));       // renewing an own hold is not a new one
  EXPECT_TRUE(book.release(1, 1, 100, now(), events));
  EXPECT_TRUE(take(1, 7, 100));       // room again after a release
  clk.advance(300s);                  // all expire: the cap counts live holds only
  for (int s = 10; s <= 15; ++s) EXPECT_TRUE(take(1, s, 100));
}

TEST_F(hold_book_test, pin_is_all_or_nothing) {
  ASSERT_TRUE(take(1, 1, 100));
  ASSERT_TRUE(take(1, 2, 100));
  ASSERT_TRUE(take(1, 3, 200));
  int bad = 0;
  auto ec = book.pin(1, {1, 2, 3}, 100, now(), &bad, events);
  EXPECT_EQ(ec, errc::not_holder);
  EXPECT_EQ(bad, 3);
  // Nothing was pinned: seat 1 still expires normally.
  clk.advance(300s);
  events.clear();
  book.expire_due(now(), events);
  EXPECT_EQ(events.size(), 3u);
}

TEST_F(hold_book_test, pin_refuses_expired_and_unheld_seats) {
  ASSERT_TRUE(take(1, 1, 100));
  clk.advance(300s);
  int bad = 0;
  EXPECT_EQ(book.pin(1, {1}, 100, now(), &bad, events), errc::not_holder);
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(book.pin(1, {9}, 100, now(), &bad, events), errc::not_holder);
}

TEST_F(hold_book_test, pinned_holds_do_not_expire_and_become_booked) {
  ASSERT_TRUE(take(1, 1, 100));
  ASSERT_TRUE(take(1, 2, 100));
  int bad = 0;
  ASSERT_FALSE(book.pin(1, {1, 2}, 100, now(), &bad, events));
  clk.advance(400s);
  events.clear();
  book.expire_due(now(), events);
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(take(1, 1, 200));                        // a pinned seat stays taken
  EXPECT_FALSE(book.release(1, 1, 100, now(), events));  // and cannot be released meanwhile
  book.unpin(1, {1, 2}, 100, true, now(), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, seat_event_kind::booked);
  EXPECT_EQ(events[0].seats, (std::vector<int>{1, 2}));
  EXPECT_EQ(book.size(), 0u);
}

TEST_F(hold_book_test, failed_booking_returns_holds_and_expires_overdue_ones) {
  ASSERT_TRUE(take(1, 1, 100));
  clk.advance(100s);
  ASSERT_TRUE(take(1, 2, 100));
  int bad = 0;
  ASSERT_FALSE(book.pin(1, {1, 2}, 100, now(), &bad, events));
  clk.advance(250s);  // seat 1's deadline passed while pinned; seat 2's has not
  events.clear();
  book.unpin(1, {1, 2}, 100, false, now(), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, seat_event_kind::expired);
  EXPECT_EQ(events[0].seats, std::vector<int>{1});
  EXPECT_FALSE(take(1, 2, 200));  // still held by 100
}

TEST_F(hold_book_test, seq_is_per_trip_and_grows_by_one) {
  ASSERT_TRUE(take(1, 1, 100));
  ASSERT_TRUE(take(2, 1, 100));
  ASSERT_TRUE(take(1, 2, 100));
  book.announce_freed(1, {5, 6}, events);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].seq, 1u);
  EXPECT_EQ(events[1].seq, 1u);
  EXPECT_EQ(events[2].seq, 2u);
  EXPECT_EQ(events[3].seq, 3u);
  EXPECT_EQ(events[3].kind, seat_event_kind::released);
  auto snap = book.snapshot(1, now(), events);
  EXPECT_EQ(snap.seq, 3u);
  ASSERT_EQ(snap.holds.size(), 2u);
  EXPECT_EQ(snap.holds[0].seat, 1);
  EXPECT_EQ(snap.holds[1].seat, 2);
}

TEST_F(hold_book_test, many_holds_expire_in_deadline_order) {
  for (int i = 0; i < 100000; ++i) {
    clk.set(sys_ms{std::chrono::milliseconds{1'800'000'000'000 + (i * 7919) % 100000}});
    ASSERT_TRUE(book.take(i / 40 + 1, i % 40 + 1, i, now(), events));
  }
  events.clear();
  auto start = sys_ms{std::chrono::milliseconds{1'800'000'000'000}} + 300s;
  std::size_t expired = 0;
  for (int step = 0; step <= 100000; step += 1000) {
    auto t = start + std::chrono::milliseconds(step);
    book.expire_due(t, events);
    for (; expired < events.size(); ++expired) {
      // Nothing expires early, nothing lingers past the sweep that reached its deadline.
      ASSERT_EQ(events[expired].kind, seat_event_kind::expired);
    }
    if (auto next = book.next_deadline()) {
      EXPECT_GT(*next, t);
    }
  }
  EXPECT_EQ(events.size(), 100000u);
  EXPECT_EQ(book.size(), 0u);
}


// ---------------------------------------------------------------- against hoarding (issue 11)

hold_policy anti_hoarding() {
  hold_policy p{300s, 6};
  p.max_per_account = 12;
  p.max_lifetime = 900s;
  p.cooldown = 30s;
  return p;
}

TEST(hold_book_hoarding, renewals_stop_at_the_maximum_lifetime) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  const auto t0 = clk.now();
  ASSERT_TRUE(book.take(1, 7, 100, clk.now(), ev));
  for (int i = 0; i < 3; ++i) {
    clk.advance(250s);
    auto h = book.take(1, 7, 100, clk.now(), ev);
    ASSERT_TRUE(h);
    EXPECT_LE(h->expires_at, t0 + 900s);
    EXPECT_EQ(h->taken_at, t0);  // the first take, kept with the hold
  }
  auto h = book.take(1, 7, 100, clk.now(), ev);  // at t0 + 750 s: capped
  ASSERT_TRUE(h);
  EXPECT_EQ(h->expires_at, t0 + 900s);
  clk.set(t0 + 900s - 1ms);
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev)->expires_at, t0 + 900s);  // no further
  ev.clear();
  clk.set(t0 + 900s);
  book.expire_due(clk.now(), ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, seat_event_kind::expired);
  EXPECT_TRUE(book.take(1, 7, 200, clk.now(), ev));  // someone else's turn
}

TEST(hold_book_hoarding, accounts_are_capped_across_trips) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(book.take(1, s, 100, clk.now(), ev));
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(book.take(2, s, 100, clk.now(), ev));
  auto thirteenth = book.take(3, 1, 100, clk.now(), ev);
  ASSERT_FALSE(thirteenth);
  EXPECT_EQ(thirteenth.error(), errc::account_hold_limit);
  EXPECT_TRUE(book.take(2, 6, 100, clk.now(), ev));   // a renewal is not a new hold
  EXPECT_TRUE(book.take(3, 1, 200, clk.now(), ev));   // another account is not affected
  EXPECT_TRUE(book.release(1, 1, 100, clk.now(), ev));
  EXPECT_TRUE(book.take(3, 2, 100, clk.now(), ev));   // room again after a release
  int bad = 0;
  ASSERT_FALSE(book.pin(2, {1, 2}, 100, clk.now(), &bad, ev));
  book.unpin(2, {1, 2}, 100, true, clk.now(), ev);    // sold: no longer held
  EXPECT_TRUE(book.take(3, 3, 100, clk.now(), ev));
  EXPECT_TRUE(book.take(3, 4, 100, clk.now(), ev));
  EXPECT_FALSE(book.take(3, 5, 100, clk.now(), ev));
  clk.advance(300s);                                  // lapsed holds do not count
  EXPECT_TRUE(book.take(4, 1, 100, clk.now(), ev));
  EXPECT_EQ(book.account_count(), 1u);                // 200's lapsed hold is gone too
}

TEST(hold_book_hoarding, a_lapsed_hold_cools_down_for_its_holder_only) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  const auto t0 = clk.now();
  ASSERT_TRUE(book.take(1, 7, 100, clk.now(), ev));
  clk.advance(300s);
  book.expire_due(clk.now(), ev);
  auto again = book.take(1, 7, 100, clk.now(), ev);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), errc::hold_cooldown);
  EXPECT_TRUE(book.take(1, 8, 100, clk.now(), ev));  // other seats are fine
  clk.set(t0 + 330s - 1ms);
  EXPECT_FALSE(book.take(1, 7, 100, clk.now(), ev));
  clk.set(t0 + 330s);
  EXPECT_TRUE(book.take(1, 7, 100, clk.now(), ev));
  EXPECT_TRUE(book.release(1, 7, 100, clk.now(), ev));
  EXPECT_TRUE(book.take(1, 7, 100, clk.now(), ev));  // a release by its holder is no lapse

  // Expiry on access (no sweep ran): the cool-down counts from the deadline.
  ASSERT_TRUE(book.take(2, 1, 300, clk.now(), ev));
  const auto deadline = clk.now() + 300s;
  clk.set(deadline + 20s);
  EXPECT_EQ(book.take(2, 1, 300, clk.now(), ev).error(), errc::hold_cooldown);
  EXPECT_TRUE(book.take(2, 1, 400, clk.now(), ev));  // another user is not held back
  EXPECT_EQ(book.take(2, 1, 300, clk.now(), ev).error(), errc::seat_occupied);
}

// Unlock + lock every few minutes kept a seat forever: each re-take started a new life.
TEST(hold_book_hoarding, release_and_retake_does_not_restart_the_lifetime) {
  manual_clock clk;
  hold_book book{anti_hoarding()};  // ttl 300 s, max lifetime 900 s, cool-down 30 s
  std::vector<seat_event> ev;
  const auto t0 = clk.now();
  ASSERT_TRUE(book.take(1, 7, 100, clk.now(), ev));
  for (int i = 0; i < 3; ++i) {
    clk.advance(280s);
    ASSERT_TRUE(book.release(1, 7, 100, clk.now(), ev));
    clk.advance(1s);  // deselected by mistake, selected again: still works
    auto h = book.take(1, 7, 100, clk.now(), ev);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->taken_at, t0);  // the old hold's life goes on
    EXPECT_LE(h->expires_at, t0 + 900s);
  }
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev)->expires_at, t0 + 900s);  // t0 + 843 s
  clk.set(t0 + 900s - 1ms);
  ASSERT_TRUE(book.release(1, 7, 100, clk.now(), ev));
  clk.set(t0 + 900s);
  // Past the cap: refused like a lapse, for the cool-down from the release...
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev).error(), errc::hold_cooldown);
  clk.set(t0 + 900s - 1ms + 30s - 1ms);
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev).error(), errc::hold_cooldown);
  // ...and only for its holder: anyone else takes a released seat at once.
  ASSERT_TRUE(book.take(1, 8, 100, clk.now(), ev));
  ASSERT_TRUE(book.release(1, 8, 100, clk.now(), ev));
  auto other = book.take(1, 8, 200, clk.now(), ev);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->taken_at, clk.now());
  // After the cool-down the holder starts afresh (as after a lapse at the cap).
  clk.set(t0 + 900s - 1ms + 30s);
  auto fresh = book.take(1, 7, 100, clk.now(), ev);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->taken_at, clk.now());
  EXPECT_EQ(fresh->expires_at, clk.now() + 300s);
}

// A waiting-list offer (issue 16): no caps, no cool-down; its new holds start a fresh life
// (not the life of a hold the user released or let lapse); its events are marked; the
// holds count against the user's own takes afterwards.
TEST(hold_book_offers, an_offer_starts_afresh_past_the_caps_and_is_marked) {
  manual_clock clk;
  auto policy = anti_hoarding();
  policy.max_per_user = 2;
  policy.max_per_account = 3;
  hold_book book{policy};
  std::vector<seat_event> ev;
  ASSERT_TRUE(book.take(1, 7, 100, clk.now(), ev));
  clk.advance(300s);  // lapsed: cooling down
  ASSERT_TRUE(book.take(1, 8, 100, clk.now(), ev));
  clk.advance(10s);
  ASSERT_TRUE(book.release(1, 8, 100, clk.now(), ev));  // released: its life would go on
  ASSERT_TRUE(book.take(2, 1, 100, clk.now(), ev));
  ASSERT_TRUE(book.take(2, 2, 100, clk.now(), ev));
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev).error(), errc::hold_cooldown);
  ev.clear();
  int bad = -1;
  auto offer = book.take_offer(1, {9, 7, 8}, 100, clk.now(), &bad, ev);
  ASSERT_TRUE(offer) << offer.error().message();
  ASSERT_EQ(offer->size(), 3u);
  for (const auto& h : *offer) {
    EXPECT_EQ(h.taken_at, clk.now());
    EXPECT_EQ(h.expires_at, clk.now() + 300s);
  }
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].offer);
  EXPECT_EQ(ev[0].seats, (std::vector<int>{7, 8, 9}));
  EXPECT_EQ(book.take(1, 10, 100, clk.now(), ev).error(), errc::hold_limit);
  EXPECT_EQ(book.take(3, 1, 100, clk.now(), ev).error(), errc::account_hold_limit);
  ev.clear();
  ASSERT_TRUE(book.take(1, 9, 100, clk.now(), ev));  // a renewal by the user: not an offer
  EXPECT_FALSE(ev.back().offer);
  // Refused as a whole, changing nothing, when one seat is someone else's.
  ASSERT_TRUE(book.take(1, 20, 200, clk.now(), ev));
  ev.clear();
  EXPECT_EQ(book.take_offer(1, {19, 20}, 100, clk.now(), &bad, ev).error(), errc::seat_occupied);
  EXPECT_EQ(bad, 20);
  EXPECT_TRUE(ev.empty());
}

TEST(hold_book_hoarding, a_release_is_remembered_within_the_hard_cap) {
  manual_clock clk;
  auto policy = anti_hoarding();
  policy.max_remembered = 10;
  hold_book book{policy};
  std::vector<seat_event> ev;
  for (row_id trip = 1; trip <= 50; ++trip) {
    ASSERT_TRUE(book.take(trip, 1, trip, clk.now(), ev));
    ASSERT_TRUE(book.release(trip, 1, trip, clk.now(), ev));
    EXPECT_LE(book.cooldown_count(), 10u);
  }
  clk.advance(30s);
  book.expire_due(clk.now(), ev);
  EXPECT_EQ(book.cooldown_count(), 0u);
}

TEST(hold_book_bounds, trips_without_holds_are_forgotten_and_their_seq_goes_on) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  for (row_id trip = 1; trip <= 1000; ++trip) ASSERT_TRUE(book.take(trip, 1, trip, clk.now(), ev));
  EXPECT_EQ(book.trip_count(), 1000u);
  for (row_id trip = 1; trip <= 500; ++trip) book.release(trip, 1, trip, clk.now(), ev);
  EXPECT_EQ(book.trip_count(), 500u);
  clk.advance(300s);
  book.expire_due(clk.now(), ev);
  EXPECT_EQ(book.trip_count(), 0u);  // departed trips take no holds: they end up here too
  EXPECT_EQ(book.size(), 0u);
  // Seen again: its seq goes on (a viewer would take a lower seq for a duplicate).
  EXPECT_EQ(book.snapshot(1, clk.now(), ev).seq, 2u);
  ev.clear();
  clk.advance(60s);  // past the cool-down
  ASSERT_TRUE(book.take(1, 1, 1, clk.now(), ev));
  EXPECT_EQ(ev.back().seq, 3u);
  book.announce_freed(5, {1}, ev);
  EXPECT_EQ(ev.back().seq, 3u);  // trip 5: lock, unlock, released
  EXPECT_EQ(book.trip_count(), 1u);
}

TEST(hold_book_bounds, sales_are_remembered_for_the_guard_only) {
  manual_clock clk;
  auto policy = anti_hoarding();
  policy.sold_guard = 60s;
  hold_book book{policy};
  std::vector<seat_event> ev;
  for (row_id trip = 1; trip <= 100; ++trip) {
    ASSERT_TRUE(book.take(trip, 3, 1000 + trip, clk.now(), ev));
    int bad = 0;
    ASSERT_FALSE(book.pin(trip, {3}, 1000 + trip, clk.now(), &bad, ev));
    book.unpin(trip, {3}, 1000 + trip, true, clk.now(), ev);
  }
  EXPECT_EQ(book.sold_count(), 100u);
  EXPECT_EQ(book.take(7, 3, 1, clk.now(), ev).error(), errc::seat_booked);
  clk.advance(60s);
  ASSERT_TRUE(book.take(7, 4, 1, clk.now(), ev));  // any operation prunes what ended
  EXPECT_EQ(book.sold_count(), 0u);
  EXPECT_EQ(book.trip_count(), 1u);  // only trip 7, for its hold
}

TEST(hold_book_bounds, every_memory_has_a_hard_cap) {
  manual_clock clk;
  auto policy = anti_hoarding();
  policy.max_remembered = 10;
  hold_book book{policy};
  std::vector<seat_event> ev;
  std::map<row_id, std::uint64_t> last_seq;
  for (row_id trip = 1; trip <= 50; ++trip) {
    ASSERT_TRUE(book.take(trip, 1, trip, clk.now(), ev));  // will lapse: a cool-down each
    ASSERT_TRUE(book.take(trip, 2, 100 + trip, clk.now(), ev));
    int bad = 0;
    ASSERT_FALSE(book.pin(trip, {2}, 100 + trip, clk.now(), &bad, ev));
    book.unpin(trip, {2}, 100 + trip, true, clk.now(), ev);  // a sale each
    EXPECT_LE(book.sold_count(), 10u);
  }
  clk.advance(300s);
  book.expire_due(clk.now(), ev);
  for (auto& e : ev) last_seq[e.trip] = e.seq;
  EXPECT_LE(book.cooldown_count(), 10u);
  EXPECT_LE(book.sold_count(), 10u);
  EXPECT_LE(book.retired_count(), 10u);
  // A trip whose seq was dropped from memory still never goes backwards.
  for (row_id trip = 1; trip <= 50; ++trip) {
    ev.clear();
    book.announce_freed(trip, {9}, ev);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_GT(ev[0].seq, last_seq[trip]) << "trip " << trip;
  }
  EXPECT_LE(book.retired_count(), 10u);
}


// --- groups (issue 16): all or nothing, one event, extend, release all --------------------

std::vector<int> seats_of(const std::vector<hold>& holds) {
  std::vector<int> out;
  for (const auto& h : holds) out.push_back(h.seat);
  return out;
}

TEST(hold_book_groups, a_group_is_taken_whole_with_one_event) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  int bad = -1;
  auto g = book.take_group(1, {9, 5, 6}, 100, clk.now(), &bad, ev);
  ASSERT_TRUE(g);
  EXPECT_EQ(seats_of(*g), (std::vector<int>{5, 6, 9}));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, seat_event_kind::locked);
  EXPECT_EQ(ev[0].seats, (std::vector<int>{5, 6, 9}));
  EXPECT_EQ(ev[0].user, 100);
  EXPECT_EQ(ev[0].seq, 1u);
  EXPECT_EQ(ev[0].expires_at, clk.now() + 300s);
  EXPECT_EQ(book.size(), 3u);
}

TEST(hold_book_groups, one_refused_seat_refuses_the_group_and_changes_nothing) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  ASSERT_TRUE(book.take(1, 7, 200, clk.now(), ev));
  ev.clear();
  int bad = 0;
  auto g = book.take_group(1, {5, 6, 7, 8}, 100, clk.now(), &bad, ev);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error(), errc::seat_occupied);
  EXPECT_EQ(bad, 7);
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(book.size(), 1u);
  // Nothing of the group was taken: another traveller gets 5, 6 and 8.
  EXPECT_TRUE(book.take_group(1, {5, 6, 8}, 300, clk.now(), &bad, ev));

  // A sold seat.
  ASSERT_TRUE(book.take(2, 1, 200, clk.now(), ev));
  ASSERT_FALSE(book.pin(2, {1}, 200, clk.now(), &bad, ev));
  book.unpin(2, {1}, 200, true, clk.now(), ev);
  auto sold = book.take_group(2, {2, 1}, 100, clk.now(), &bad, ev);
  ASSERT_FALSE(sold);
  EXPECT_EQ(sold.error(), errc::seat_booked);
  EXPECT_EQ(bad, 1);

  // A seat in its cool-down for this holder.
  ASSERT_TRUE(book.take(3, 4, 100, clk.now(), ev));
  clk.advance(300s);
  book.expire_due(clk.now(), ev);
  const auto before = book.size();
  auto cooling = book.take_group(3, {3, 4}, 100, clk.now(), &bad, ev);
  ASSERT_FALSE(cooling);
  EXPECT_EQ(cooling.error(), errc::hold_cooldown);
  EXPECT_EQ(bad, 4);
  EXPECT_EQ(book.size(), before);
}

TEST(hold_book_groups, the_limits_count_the_groups_new_seats_together) {
  manual_clock clk;
  hold_book book{anti_hoarding()};  // 6 per trip, 12 per account
  std::vector<seat_event> ev;
  int bad = -1;
  ASSERT_TRUE(book.take_group(1, {1, 2, 3, 4}, 100, clk.now(), &bad, ev));
  auto over = book.take_group(1, {5, 6, 7}, 100, clk.now(), &bad, ev);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), errc::hold_limit);
  EXPECT_EQ(bad, 0);
  // Seats already held are renewals, not new holds: 3, 4 + 5, 6 fits (six in all).
  clk.advance(100s);
  ev.clear();
  auto fits = book.take_group(1, {3, 4, 5, 6}, 100, clk.now(), &bad, ev);
  ASSERT_TRUE(fits);
  ASSERT_EQ(ev.size(), 1u);  // renewed and new share the new deadline
  EXPECT_EQ(ev[0].seats, (std::vector<int>{3, 4, 5, 6}));
  EXPECT_EQ(ev[0].expires_at, clk.now() + 300s);
  EXPECT_EQ(book.take(1, 7, 100, clk.now(), ev).error(), errc::hold_limit);
  // A seat named twice counts once.
  ASSERT_TRUE(book.take_group(2, {1, 1, 2, 2, 3, 3}, 100, clk.now(), &bad, ev));
  ASSERT_TRUE(book.take_group(2, {4, 5, 6}, 100, clk.now(), &bad, ev));
  // Across trips: 12 per account (6 + 6 held now).
  auto account = book.take_group(3, {1}, 100, clk.now(), &bad, ev);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error(), errc::account_hold_limit);
  EXPECT_EQ(book.release_all(2, 100, clk.now(), ev), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(book.take_group(3, {1}, 100, clk.now(), &bad, ev));
}

TEST(hold_book_groups, extend_moves_every_hold_to_a_new_deadline_never_past_the_lifetime) {
  manual_clock clk;
  hold_book book{anti_hoarding()};  // ttl 300 s, lifetime 900 s
  std::vector<seat_event> ev;
  const auto t0 = clk.now();
  int bad = 0;
  ASSERT_TRUE(book.take_group(1, {1, 2}, 100, clk.now(), &bad, ev));
  ASSERT_TRUE(book.take(1, 3, 200, clk.now(), ev));
  clk.advance(200s);
  ev.clear();
  auto extended = book.extend(1, 100, clk.now(), ev);
  EXPECT_EQ(seats_of(extended), (std::vector<int>{1, 2}));
  for (const auto& h : extended) EXPECT_EQ(h.expires_at, t0 + 500s);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].seats, (std::vector<int>{1, 2}));
  EXPECT_EQ(ev[0].expires_at, t0 + 500s);
  // Up to the lifetime and no further; once there, extending changes (and tells) nothing.
  clk.set(t0 + 450s);
  extended = book.extend(1, 100, clk.now(), ev);
  for (const auto& h : extended) EXPECT_EQ(h.expires_at, t0 + 750s);
  clk.set(t0 + 700s);
  extended = book.extend(1, 100, clk.now(), ev);
  for (const auto& h : extended) EXPECT_EQ(h.expires_at, t0 + 900s);
  ev.clear();
  clk.set(t0 + 800s);
  extended = book.extend(1, 100, clk.now(), ev);
  EXPECT_EQ(extended.size(), 2u);
  EXPECT_TRUE(ev.empty());
  // Someone else's hold was not touched; a user without holds extends nothing.
  EXPECT_TRUE(book.extend(1, 300, clk.now(), ev).empty());
  EXPECT_TRUE(book.extend(99, 100, clk.now(), ev).empty());
  EXPECT_TRUE(ev.empty());
}

TEST(hold_book_groups, release_all_frees_only_the_callers_unpinned_holds) {
  manual_clock clk;
  hold_book book{anti_hoarding()};
  std::vector<seat_event> ev;
  int bad = 0;
  ASSERT_TRUE(book.take_group(1, {1, 2, 3}, 100, clk.now(), &bad, ev));
  ASSERT_TRUE(book.take(1, 4, 200, clk.now(), ev));
  ASSERT_FALSE(book.pin(1, {3}, 100, clk.now(), &bad, ev));
  ev.clear();
  EXPECT_EQ(book.release_all(1, 100, clk.now(), ev), (std::vector<int>{1, 2}));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, seat_event_kind::unlocked);
  EXPECT_EQ(book.size(), 2u);  // 3 (pinned) and 200's 4
  EXPECT_TRUE(book.release_all(1, 300, clk.now(), ev).empty());
}

}  // namespace
}  // namespace seatd
