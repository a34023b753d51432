// What one instance decides must hold on every other at once, not when their caches catch up:
// a seat sold through one instance cannot be held through another in the moments before that
// instance hears of the sale, and a token logged out through one instance stops working on all
// of them, and failed logins count against one limit whichever instance they reach.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

// The race the contention benchmark found (2026-11-26: 11 of 2,600 rounds on three instances):
// while A books a seat, B's trip catalog learns of the sale only when A's SEAT_BOOKED reaches
// it over pub/sub; a lock sent to B in that gap must still be refused. B is hammered with locks
// from before A books until after, round after round; no lock on B may ever succeed, because
// the seat is always either held by A's traveller or sold.
TEST(cluster_consistency, a_seat_sold_through_one_instance_is_never_held_through_another) {
  seatd_cluster::options opts;
  opts.instances = 2;
  seatd_cluster cluster(opts);
  http_client a(cluster.port(0)), b(cluster.port(1));
  auto buyer = cluster.signup(a);
  auto rival = cluster.signup(b);

  constexpr int rounds = 40;  // one seat of trip 1 per round
  int refused_as_booked = 0;
  for (int seat = 1; seat <= rounds; ++seat) {
    // B's catalog has the trip loaded (the stale-cache case), and the seat is A's.
    ASSERT_EQ(lock_seat(a, buyer.token, 1, seat).status, 200);
    std::atomic<bool> booked{false};
    std::atomic<int> granted{0};
    std::string last_refusal;
    std::thread hammer([&] {
      http_client own(cluster.port(1));
      // Keep going a little after the booking is confirmed: the gap is after it.
      for (int after = 0; after < 20;) {
        auto r = lock_seat(own, rival.token, 1, seat);
        if (r.status == 200) ++granted;
        else last_refusal = r.body;
        if (booked) ++after;
      }
    });
    auto r = book_seats(a, buyer.token, 1, {seat});
    booked = true;
    hammer.join();
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(granted.load(), 0) << "seat " << seat << " was held through B although A had it";
    if (last_refusal.find("already booked") != std::string::npos) ++refused_as_booked;
  }
  EXPECT_EQ(refused_as_booked, rounds);

  // A cancellation makes the seats free again on every instance.
  auto tickets = a.get("/bookings/my-tickets", buyer.token);
  ASSERT_EQ(tickets.status, 200) << tickets.body;
  auto number = std::string(
      tickets.json().as_array().at(0).at("booking_number").as_string());
  auto cancelled = a.post_json("/bookings/" + number + "/cancel", boost::json::object{},
                               buyer.token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  auto freed = tickets.json().as_array().at(0).at("seats").as_array().at(0).to_number<int>();
  auto again = lock_seat(b, rival.token, 1, freed);
  EXPECT_EQ(again.status, 200) << again.body;
}

TEST(cluster_consistency, a_logout_through_one_instance_ends_the_token_on_all) {
  seatd_cluster cluster(seatd_cluster::options{});
  http_client a(cluster.port(0)), b(cluster.port(1)), c(cluster.port(2));
  auto t = cluster.signup(a);
  for (auto* client : {&a, &b, &c}) ASSERT_EQ(client->get("/user/me", t.token).status, 200);

  ASSERT_EQ(a.post_json("/auth/logout", boost::json::object{}, t.token).status, 200);
  EXPECT_EQ(a.get("/user/me", t.token).status, 401);
  // Pub/sub takes well under a millisecond here; allow a generous bound, never "eventually".
  for (auto* client : {&b, &c}) {
    auto until = std::chrono::steady_clock::now() + 2s;
    int status = 0;
    while ((status = client->get("/user/me", t.token).status) == 200 &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    EXPECT_EQ(status, 401);
  }
  // A new login is a new token, unaffected.
  auto again = cluster.signup(c);
  EXPECT_EQ(b.get("/user/me", again.token).status, 200);
}

// Ten failed logins per e-mail per window, across the cluster: spread over three instances,
// they do not become thirty.
TEST(cluster_consistency, failed_logins_spread_over_instances_share_one_limit) {
  seatd_cluster cluster(seatd_cluster::options{});
  http_client a(cluster.port(0)), b(cluster.port(1)), c(cluster.port(2));
  auto email = unique_email("spread");
  ASSERT_EQ(a.post_json("/auth/signup",
                        {{"username", "S"}, {"email", email}, {"password", "right-pass"}})
                .status,
            201);
  http_client* clients[] = {&a, &b, &c};
  for (int i = 0; i < 10; ++i) {
    auto r = clients[i % 3]->post_json("/auth/login", {{"email", email}, {"password", "wrong"}});
    ASSERT_EQ(r.status, 200) << "attempt " << i + 1 << ": " << r.body;
  }
  // The counts are written in the background of each refusal: allow them a moment to land.
  std::this_thread::sleep_for(200ms);
  for (auto* client : clients) {
    auto r = client->post_json("/auth/login", {{"email", email}, {"password", "right-pass"}});
    EXPECT_EQ(r.status, 429) << r.body;
  }
  // Another account is not affected.
  auto other = cluster.signup(b);
  EXPECT_EQ(c.get("/user/me", other.token).status, 200);
}

}  // namespace
}  // namespace seatd::testing
