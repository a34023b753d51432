// Issue 16, the waiting list through three instances sharing Redis and PostgreSQL: a sold-out
// trip, ten travellers waiting (joined through different instances), three cancellations made
// through different instances. The first three in line whose counts fit get offers, each
// exactly once (one WAITLIST_OFFER to their own viewer, wherever it is connected; one e-mail
// in the outbox); the one wanting two seats is passed over while one seat is free, keeping its
// place, and served when two come free. An offer left to run out passes to the next in line.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"
#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr int trip = 2;
// Long enough for the steps between an offer and its answer on a busy machine; the lapse step
// waits it out.
constexpr int hold_ttl_seconds = 8;

std::vector<int> seats_of(const json::value& v) {
  std::vector<int> out;
  for (const auto& s : v.as_array()) out.push_back(int(s.as_int64()));
  return out;
}

http_reply request(http_client& c, http::verb verb, const std::string& target,
                   const std::string& token, const std::string& body = "") {
  std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
  if (!body.empty()) headers["Content-Type"] = "application/json";
  return c.request(verb, target, body, headers);
}

// Holds then books `seats` for `token`: the booking number.
std::string sell(http_client& c, const std::string& token, const std::vector<int>& seats) {
  json::array list;
  for (int s : seats) list.push_back(s);
  auto held = c.post_json("/bookings/holds", {{"trip_id", trip}, {"seat_nos", list}}, token);
  EXPECT_EQ(held.status, 200) << held.body;
  auto booked = book_seats(c, token, trip, seats);
  EXPECT_EQ(booked.status, 201) << booked.body;
  return booked.status == 201 ? std::string(booked.json().at("booking_number").as_string()) : "";
}

// One waiting traveller: an account, and a viewer of the trip identified as them (AUTH).
struct waiter {
  seatd_cluster::traveller who;
  int count = 1;
  std::unique_ptr<ws_client> viewer;
  std::vector<json::object> offers;  // every WAITLIST_OFFER its viewer received

  void pump(std::chrono::milliseconds quiet) {
    while (auto m = viewer->read_json(quiet))
      if (m->at("type").as_string() == "WAITLIST_OFFER") offers.push_back(*m);
  }
};

std::optional<json::object> entry_of(http_client& c, const std::string& token) {
  auto r = request(c, http::verb::get, "/trips/" + std::to_string(trip) + "/waitlist", token);
  if (r.status == 404) return std::nullopt;
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json().as_object();
}

// Waits until the traveller's entry is offered (or `deadline`): the offer's seats.
std::vector<int> await_offer(http_client& c, const std::string& token,
                             std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    auto e = entry_of(c, token);
    if (e && e->at("status").as_string() == "offered")
      return seats_of(e->at("offer").at("seat_nos"));
    std::this_thread::sleep_for(50ms);
  }
  return {};
}

TEST(waitlist_cluster, ten_waiting_three_cancellations_on_three_instances_and_a_lapsed_offer) {
  auto& pg = test::pg_test_server::shared();
  seatd_cluster::options opts;
  opts.database_url = pg.fresh_database_url() + "?pool_size=4";
  opts.seatd_args = {"--hold-ttl", std::to_string(hold_ttl_seconds)};
  opts.env = {{"MAX_HOLDS_PER_USER", "40"},
              {"SEATD_MAX_HOLDS_PER_ACCOUNT", "10000"},
              {"SEATD_HOLD_RATE_PER_MINUTE", "0"},
              {"SEATD_WAITLIST_SWEEP_SECONDS", "1"},
              {"SEATD_OUTBOX_POLL_MS", "200"}};
  seatd_cluster cluster(opts);
  const int n = cluster.size();
  std::vector<std::unique_ptr<http_client>> via;
  for (int i = 0; i < n; ++i) via.push_back(std::make_unique<http_client>(cluster.port(i)));

  // Sold out: six bookings of one seller, the first three small (to be cancelled).
  auto seller = cluster.signup(*via[0]);
  const std::string first = sell(*via[0], seller.token, {1});
  const std::string second = sell(*via[1], seller.token, {2});
  const std::string third = sell(*via[2], seller.token, {3, 4});
  std::vector<int> rest;
  for (int s = 5; s <= 40; ++s) rest.push_back(s);
  for (std::size_t i = 0; i < rest.size(); i += 12)
    sell(*via[i / 12 % 3], seller.token,
         std::vector<int>(rest.begin() + std::ptrdiff_t(i),
                          rest.begin() + std::ptrdiff_t(std::min(i + 12, rest.size()))));
  ASSERT_FALSE(first.empty() || second.empty() || third.empty());

  // Ten in line, joined through the instances in turn; the second wants two seats. Each has a
  // viewer identified as them on another instance than the one they joined through.
  std::vector<waiter> line(10);
  for (int i = 0; i < 10; ++i) {
    auto& w = line[std::size_t(i)];
    w.who = cluster.signup(*via[std::size_t(i % n)]);
    w.count = i == 1 ? 2 : 1;
    w.viewer = std::make_unique<ws_client>(cluster.port((i + 1) % n),
                                           "/ws/seats/" + std::to_string(trip) + "?v=2");
    ASSERT_TRUE(w.viewer->wait_for("INITIAL_STATE"));
    w.viewer->send_text(json::serialize(json::object{{"type", "AUTH"}, {"token", w.who.token}}));
    auto ok = w.viewer->wait_for("AUTH_OK");
    ASSERT_TRUE(ok) << "viewer " << i << " identified";
    EXPECT_EQ(ok->at("user_id").as_int64(), w.who.id);
    auto r = request(*via[std::size_t(i % n)], http::verb::post,
                     "/trips/" + std::to_string(trip) + "/waitlist", w.who.token,
                     json::serialize(json::object{{"count", w.count}}));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("position").as_int64(), i + 1);
  }

  auto cancel = [&](int instance, const std::string& number) {
    auto r = request(*via[std::size_t(instance)], http::verb::post,
                     "/bookings/" + number + "/cancel", seller.token);
    ASSERT_EQ(r.status, 200) << r.body;
  };
  const auto soon = [] { return std::chrono::steady_clock::now() + 10s; };

  // 1. Seat 1 comes free through instance 0: the first in line (one seat) gets it.
  cancel(0, first);
  EXPECT_EQ(await_offer(*via[1], line[0].who.token, soon()), std::vector<int>{1});
  // 2. Seat 2 through instance 1: the second wants two, so the third gets it; the second
  //    keeps its place.
  cancel(1, second);
  EXPECT_EQ(await_offer(*via[2], line[2].who.token, soon()), std::vector<int>{2});
  auto kept = entry_of(*via[0], line[1].who.token);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->at("status").as_string(), "waiting");
  EXPECT_EQ(kept->at("position").as_int64(), 2);
  // 3. Seats 3 and 4 through instance 2: now the second's two fit.
  cancel(2, third);
  EXPECT_EQ(await_offer(*via[0], line[1].who.token, soon()), (std::vector<int>{3, 4}));

  // Each offered traveller's viewer was told once; nobody else was told anything.
  for (auto& w : line) w.pump(100ms);
  for (int i = 0; i < 10; ++i) {
    const auto& w = line[std::size_t(i)];
    const std::size_t expected = (i <= 2) ? 1 : 0;
    EXPECT_EQ(w.offers.size(), expected) << "traveller " << i << " WAITLIST_OFFERs";
  }
  EXPECT_EQ(seats_of(line[0].offers.at(0).at("seat_nos")), std::vector<int>{1});
  EXPECT_EQ(seats_of(line[1].offers.at(0).at("seat_nos")), (std::vector<int>{3, 4}));
  EXPECT_EQ(seats_of(line[2].offers.at(0).at("seat_nos")), std::vector<int>{2});
  for (int i = 3; i < 10; ++i) {
    auto e = entry_of(*via[std::size_t(i % n)], line[std::size_t(i)].who.token);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("status").as_string(), "waiting");
    EXPECT_EQ(e->at("position").as_int64(), i + 1);  // the offered ones are still ahead
  }

  // The first and the second book what they were offered (through other instances); the third
  // lets its offer run out: the seat passes to the fourth.
  EXPECT_EQ(book_seats(*via[2], line[0].who.token, trip, {1}).status, 201);
  EXPECT_EQ(book_seats(*via[1], line[1].who.token, trip, {3, 4}).status, 201);
  EXPECT_FALSE(entry_of(*via[0], line[0].who.token)) << "accepted: no longer in the queue";
  EXPECT_EQ(await_offer(*via[0], line[3].who.token,
                        std::chrono::steady_clock::now() + std::chrono::seconds(hold_ttl_seconds) + 10s),
            std::vector<int>{2});
  EXPECT_FALSE(entry_of(*via[1], line[2].who.token)) << "lapsed: out of the queue";
  for (auto& w : line) w.pump(150ms);
  EXPECT_EQ(line[2].offers.size(), 1u) << "the lapsed traveller was not offered again";
  EXPECT_EQ(line[3].offers.size(), 1u);
  for (int i = 4; i < 10; ++i) EXPECT_TRUE(line[std::size_t(i)].offers.empty()) << i;

  // One e-mail per offer, in the outbox the instances share.
  std::multiset<std::int64_t> mailed;
  for (int tries = 0; tries < 50; ++tries) {
    mailed.clear();
    auto box = via[0]->get("/admin/outbox?limit=200", cluster.admin_token());
    ASSERT_EQ(box.status, 200) << box.body;
    const auto listed = box.json();
    for (const auto& m : listed.at("messages").as_array())
      if (m.at("kind").as_string() == "waitlist_offer") mailed.insert(m.at("waitlist_id").as_int64());
    if (mailed.size() >= 4) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(mailed.size(), 4u);
  EXPECT_EQ(std::set<std::int64_t>(mailed.begin(), mailed.end()).size(), mailed.size())
      << "no offer mailed twice";

  for (auto& w : line) w.viewer.reset();
  for (int i = 0; i < n; ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
