// Holds, bookings and the live seat map over real sockets: several WebSocket viewers, HTTP
// clients as travellers, one real seatd.
#include <sys/socket.h>

#include <barrier>
#include <cstdio>
#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"

namespace seatd::testing {
namespace {

const char* one_trip_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n"
    "ABC,Tuesday,Bus Y,Chennai,Madurai,10:00 PM,07:00 AM,800,Sleeper,AC\n";

class live_seats : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}, std::map<std::string, std::string> env = {}) {
    server_ = std::make_unique<seatd_process>(std::move(extra), std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    auto r = upload(*c_, admin_, "one.csv", one_trip_csv);
    ASSERT_EQ(r.status, 200) << r.body;
    a_ = signup_and_login(*c_, unique_email("a"));
    b_ = signup_and_login(*c_, unique_email("b"));
    a_id_ = c_->get("/user/me", a_).json().at("id").as_int64();
    b_id_ = c_->get("/user/me", b_).json().at("id").as_int64();
  }
  void SetUp() override { start(); }
  void TearDown() override {
    EXPECT_EQ(c_->get("/").status, 200);
    EXPECT_EQ(server_->stop(), 0);
  }
  http_reply lock(const std::string& token, int seat, int trip = 1) {
    return c_->post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                         boost::json::object{}, token);
  }
  http_reply unlock(const std::string& token, int seat, int trip = 1) {
    return c_->post_json("/bookings/unlock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                         boost::json::object{}, token);
  }
  http_reply book(const std::string& token, boost::json::array seats, int trip = 1) {
    return c_->post_json("/bookings/", {{"trip_id", trip}, {"seat_numbers", seats}, {"gender", "F"},
                                        {"age", 30}, {"phone_number", "+91 98765 43210"}}, token);
  }
  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, a_, b_;
  std::int64_t a_id_ = 0, b_id_ = 0;
};

std::uint64_t seq_of(const boost::json::object& m) { return m.at("seq").to_number<std::uint64_t>(); }

TEST_F(live_seats, initial_state_then_a_hold_by_a_reaches_b) {
  ws_client viewer(server_->port(), "/ws/seats/1");
  auto init = viewer.read_json();
  ASSERT_TRUE(init);
  EXPECT_EQ(init->at("type"), "INITIAL_STATE");
  EXPECT_TRUE(init->at("locked_seats").as_array().empty());
  EXPECT_TRUE(init->at("booked_seats").as_array().empty());
  EXPECT_TRUE(init->at("server_time").is_int64());
  auto s0 = seq_of(*init);

  auto r = lock(a_, 7);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status"), "locked");
  auto m = viewer.read_json();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "SEAT_LOCKED");
  EXPECT_EQ(m->at("seat_no"), 7);
  EXPECT_EQ(m->at("user_id"), a_id_);
  EXPECT_EQ(seq_of(*m), s0 + 1);
  EXPECT_EQ(m->at("expires_at"), r.json().at("expires_at"));

  // B cannot take it; the seat list and a new viewer show it held.
  auto rb = lock(b_, 7);
  EXPECT_EQ(rb.status, 400);
  EXPECT_EQ(rb.json(), boost::json::parse(R"({"detail":"Seat occupied"})"));
  auto seats = c_->get("/trips/1/seats").json().as_array();
  EXPECT_EQ(seats[6].at("is_locked"), true);
  EXPECT_TRUE(seats[6].at("locked_until").is_string());
  EXPECT_EQ(seats[5].at("is_locked"), false);
  ws_client late(server_->port(), "/ws/seats/1");
  auto init2 = late.read_json();
  ASSERT_TRUE(init2);
  ASSERT_EQ(init2->at("locked_seats").as_array().size(), 1u);
  EXPECT_EQ(init2->at("locked_seats").at(0).at("seat_no"), 7);
  EXPECT_EQ(init2->at("locked_seats").at(0).at("user_id"), a_id_);
  EXPECT_EQ(seq_of(*init2), s0 + 1);

  // Release by the holder reaches every viewer, with the holder's id.
  EXPECT_EQ(unlock(b_, 7).json(), boost::json::parse(R"({"message":"No action taken"})"));
  EXPECT_EQ(unlock(a_, 7).json(), boost::json::parse(R"({"message":"Seat released"})"));
  for (auto* v : {&viewer, &late}) {
    auto u = v->read_json();
    ASSERT_TRUE(u);
    EXPECT_EQ(u->at("type"), "SEAT_UNLOCKED");
    EXPECT_EQ(u->at("seat_no"), 7);
    EXPECT_EQ(u->at("user_id"), a_id_);
    EXPECT_EQ(seq_of(*u), s0 + 2);
  }
  EXPECT_EQ(lock(b_, 7).status, 200);
}

TEST_F(live_seats, lock_errors) {
  EXPECT_EQ(lock("", 1).status, 401);
  EXPECT_EQ(lock(a_, 1, 999).status, 404);
  EXPECT_EQ(lock(a_, 41).status, 400);
  EXPECT_EQ(lock(a_, 0).status, 400);
  EXPECT_EQ(c_->post_json("/bookings/lock-seat/1/abc", boost::json::object{}, a_).status, 422);
  for (int s = 1; s <= 6; ++s) ASSERT_EQ(lock(a_, s).status, 200);
  auto r = lock(a_, 7);
  EXPECT_EQ(r.status, 400);  // the cap of 6 holds per user per trip
  EXPECT_EQ(lock(a_, 7, 2).status, 200);  // another trip has its own cap
  EXPECT_EQ(lock(a_, 6).status, 200);     // renewal is not a new hold
}

TEST_F(live_seats, booking_requires_holding_and_reaches_viewers) {
  ws_client viewer(server_->port(), "/ws/seats/1");
  auto s0 = seq_of(*viewer.read_json());
  // Not held: refused, nothing booked.
  auto r = book(a_, {3, 4});
  EXPECT_EQ(r.status, 400) << r.body;
  ASSERT_EQ(lock(a_, 3).status, 200);
  ASSERT_EQ(lock(b_, 4).status, 200);
  r = book(a_, {3, 4});  // 4 is B's
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(std::string(r.json().at("detail").as_string()).find("4"), std::string::npos);
  ASSERT_EQ(unlock(b_, 4).status, 200);
  ASSERT_EQ(lock(a_, 4).status, 200);

  r = book(a_, {3, 4});
  ASSERT_EQ(r.status, 201) << r.body;
  auto number = std::string(r.json().at("booking_number").as_string());
  EXPECT_EQ(number.size(), 10u);
  EXPECT_EQ(number.substr(0, 4), "ABC-");
  EXPECT_EQ(r.json().at("success"), true);

  auto booked = viewer.wait_for("SEAT_BOOKED");
  ASSERT_TRUE(booked);
  EXPECT_EQ(booked->at("seat_numbers"), boost::json::parse("[3,4]"));
  EXPECT_EQ(seq_of(*booked), s0 + 5);  // lock 3, lock 4 (B), unlock 4, lock 4 (A), booked; refusals make none
  auto seats = c_->get("/trips/1/seats").json().as_array();
  EXPECT_EQ(seats[2].at("is_booked"), true);
  EXPECT_EQ(seats[3].at("is_booked"), true);
  EXPECT_EQ(seats[2].at("is_locked"), false);

  // Sold seats cannot be held or booked again.
  EXPECT_EQ(lock(b_, 3).json(), boost::json::parse(R"({"detail":"Seat 3 already booked"})"));
  EXPECT_EQ(book(b_, {3}).status, 400);

  // Tickets and the profile saved with the booking.
  auto tickets = c_->get("/bookings/my-tickets", a_).json().as_array();
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].at("booking_number"), number.c_str());
  EXPECT_EQ(tickets[0].at("seats"), boost::json::parse("[3,4]"));
  EXPECT_EQ(tickets[0].at("status"), "confirmed");
  EXPECT_EQ(tickets[0].at("trip").at("id"), 1);
  auto one = c_->get("/bookings/" + number, a_);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("user_details").at("phone"), "+91 98765 43210");
  EXPECT_EQ(c_->get("/bookings/" + number, b_).status, 404);
  EXPECT_EQ(c_->get("/bookings/ABC-000000", a_).status, 404);
  auto me = c_->get("/user/me", a_).json();
  EXPECT_EQ(me.at("age"), 30);
  EXPECT_EQ(me.at("gender"), "F");

  // Search counts sold and held seats as unavailable.
  auto trip = c_->get("/trips/1").json();
  std::string day(trip.at("departure_time").as_string());
  ASSERT_EQ(lock(b_, 10).status, 200);
  auto found = c_->get("/trips/search?source=chennai&destination=madurai&travel_date=" + day.substr(0, 10)).json().as_array();
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].at("available_seats"), 37);
}

TEST_F(live_seats, booking_validation) {
  EXPECT_EQ(book("", {1}).status, 401);
  EXPECT_EQ(book(a_, {1}, 999).status, 404);
  EXPECT_EQ(book(a_, {0}).status, 400);
  EXPECT_EQ(book(a_, {41}).status, 400);
  EXPECT_EQ(book(a_, {2, 2}).status, 400);
  EXPECT_EQ(c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", boost::json::array{}}}, a_).status, 422);
  EXPECT_EQ(c_->post_json("/bookings/", {{"trip_id", "1"}, {"seat_numbers", {1}}}, a_).status, 422);
  EXPECT_EQ(c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", "1"}}, a_).status, 422);
  EXPECT_EQ(c_->post_json("/bookings", {{"trip_id", 1}}, a_).status, 422);  // no trailing slash
}

TEST_F(live_seats, cancellation_frees_seats_and_tells_viewers) {
  ASSERT_EQ(lock(a_, 5).status, 200);
  auto number = std::string(book(a_, {5}).json().at("booking_number").as_string());
  ws_client viewer(server_->port(), "/ws/seats/1");
  auto init = viewer.read_json();
  EXPECT_EQ(init->at("booked_seats"), boost::json::parse("[5]"));

  auto cancel = [&](const std::string& token) {
    return c_->post_json("/bookings/" + number + "/cancel", boost::json::object{}, token);
  };
  EXPECT_EQ(cancel(b_).status, 404);
  auto r = cancel(a_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rel = viewer.wait_for("SEAT_RELEASED");
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->at("seat_numbers"), boost::json::parse("[5]"));
  EXPECT_EQ(cancel(a_).status, 400);
  EXPECT_EQ(c_->get("/bookings/" + number, a_).json().at("status"), "cancelled");
  EXPECT_EQ(c_->get("/trips/1/seats").json().at(4).at("is_booked"), false);
  ASSERT_EQ(lock(b_, 5).status, 200);
  EXPECT_EQ(book(b_, {5}).status, 201);
  // An admin may cancel anyone's booking.
  ASSERT_EQ(lock(a_, 6).status, 200);
  auto other = std::string(book(a_, {6}).json().at("booking_number").as_string());
  EXPECT_EQ(c_->post_json("/bookings/" + other + "/cancel", boost::json::object{}, admin_).status, 200);
}

TEST_F(live_seats, reconnect_with_since_gets_exactly_the_gap) {
  std::string epoch;
  std::uint64_t s0 = 0;
  {
    ws_client v(server_->port(), "/ws/seats/1");
    auto init = v.read_json();
    s0 = seq_of(*init);
    epoch = std::string(init->at("epoch").as_string());
  }
  ASSERT_EQ(lock(a_, 1).status, 200);
  ASSERT_EQ(lock(a_, 2).status, 200);
  ASSERT_EQ(unlock(a_, 1).status, 200);
  ws_client v(server_->port(), "/ws/seats/1?since=" + std::to_string(s0) + "&epoch=" + epoch);
  std::vector<std::string> types;
  for (int i = 0; i < 3; ++i) {
    auto m = v.read_json();
    ASSERT_TRUE(m);
    EXPECT_EQ(seq_of(*m), s0 + 1 + i);
    types.emplace_back(m->at("type").as_string());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"SEAT_LOCKED", "SEAT_LOCKED", "SEAT_UNLOCKED"}));
  EXPECT_FALSE(v.read_json(std::chrono::milliseconds(200)));  // nothing more

  // Another epoch (a restarted server) or a position in the future: a fresh INITIAL_STATE.
  ws_client other(server_->port(), "/ws/seats/1?since=" + std::to_string(s0) + "&epoch=stale");
  EXPECT_EQ(other.read_json()->at("type"), "INITIAL_STATE");
  ws_client future(server_->port(), "/ws/seats/1?since=999999");
  auto init = future.read_json();
  EXPECT_EQ(init->at("type"), "INITIAL_STATE");
  EXPECT_EQ(seq_of(*init), s0 + 3);
}

TEST_F(live_seats, bad_trip_ids_are_refused_with_a_close_code) {
  ws_client unknown(server_->port(), "/ws/seats/999");
  EXPECT_FALSE(unknown.read());
  EXPECT_EQ(unknown.close_reason().code, 4404);
  EXPECT_EQ(unknown.close_reason().reason, "trip not found");
  ws_client bad(server_->port(), "/ws/seats/abc");
  EXPECT_FALSE(bad.read());
  EXPECT_EQ(bad.close_reason().code, 4400);
  // Not a WebSocket endpoint at all.
  EXPECT_THROW(ws_client(server_->port(), "/ws/other/1"), boost::system::system_error);
}

TEST_F(live_seats, ping_pong_and_hostile_frames) {
  ws_client v(server_->port(), "/ws/seats/1");
  ASSERT_TRUE(v.read_json());
  v.send_text("ping");
  EXPECT_EQ(v.read(), "pong");
  v.send_text("hello");  // ignored
  // A flood of pings: answered, never more pongs than pings, and the viewer stays live.
  for (int i = 0; i < 2000; ++i) v.send_text("ping");
  ASSERT_EQ(lock(a_, 9).status, 200);
  int pongs = 0;
  std::optional<boost::json::object> locked;
  for (int i = 0; i < 2001 && !locked; ++i) {
    auto m = v.read();
    ASSERT_TRUE(m);
    if (*m == "pong") {
      ++pongs;
    } else {
      locked = boost::json::parse(*m).as_object();
    }
  }
  ASSERT_TRUE(locked);
  while (auto more = v.read(std::chrono::milliseconds(500))) {
    EXPECT_EQ(*more, "pong");
    ++pongs;
  }
  EXPECT_GE(pongs, 1);
  EXPECT_LE(pongs, 2000);
  EXPECT_EQ(locked->at("type"), "SEAT_LOCKED");

  ws_client bin(server_->port(), "/ws/seats/1");
  ASSERT_TRUE(bin.read_json());
  bin.send_binary("\x01\x02");
  EXPECT_FALSE(bin.read());
  // 1003 as docs/protocol.md says (Beast calls it unknown_data; its bad_payload is 1007, which
  // the server used to send here by mistake).
  EXPECT_EQ(bin.close_reason().code, boost::beast::websocket::close_code::unknown_data);
  EXPECT_EQ(bin.close_reason().reason, "binary frames are not supported");

  ws_client big(server_->port(), "/ws/seats/1");
  ASSERT_TRUE(big.read_json());
  big.send_text(std::string(8 * 1024, 'x'));  // over the 4 KiB limit, small enough to be written whole
  EXPECT_FALSE(big.read());
  EXPECT_EQ(big.close_reason().code, boost::beast::websocket::close_code::too_big);
}

TEST_F(live_seats, websocket_control_frames_fragments_and_a_clean_close) {
  // The server speaks RFC 6455 itself after the handshake: control pings are answered with a
  // pong carrying the same data, a fragmented "ping" is one message, and a close from the
  // client is answered with a close frame and the end of the TCP connection.
  ws_client v(server_->port(), "/ws/seats/1");
  ASSERT_TRUE(v.read_json());
  std::string pong_data;
  v.stream().control_callback(
      [&](boost::beast::websocket::frame_type kind, std::string_view payload) {
        if (kind == boost::beast::websocket::frame_type::pong) pong_data = std::string(payload);
      });
  v.stream().ping("hb-1");
  EXPECT_FALSE(v.read(std::chrono::milliseconds(300)));  // no message, but the pong came in
  EXPECT_EQ(pong_data, "hb-1");

  v.stream().auto_fragment(false);
  v.stream().write_some(false, boost::asio::buffer(std::string_view("pi")));
  v.stream().write_some(true, boost::asio::buffer(std::string_view("ng")));
  EXPECT_EQ(v.read(), "pong");

  boost::beast::error_code ec;
  v.stream().close(boost::beast::websocket::close_code::normal, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(v.stream().reason().code, boost::beast::websocket::close_code::normal);
}

TEST_F(live_seats, contention_exactly_one_winner_per_seat) {
  constexpr int users = 50;
  std::vector<std::string> tokens;
  for (int i = 0; i < users; ++i) tokens.push_back(signup_and_login(*c_, unique_email("race")));
  for (int round = 0; round < 5; ++round) {
    int seat = 11 + round;
    std::atomic<int> winners{0}, occupied{0};
    std::barrier sync(users);
    std::vector<std::thread> threads;
    for (int i = 0; i < users; ++i)
      threads.emplace_back([&, i] {
        http_client own(server_->port());
        own.get("/");  // connect before the race
        sync.arrive_and_wait();
        auto r = own.post_json("/bookings/lock-seat/1/" + std::to_string(seat), boost::json::object{}, tokens[i]);
        if (r.status == 200) ++winners;
        if (r.status == 400) ++occupied;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(occupied.load(), users - 1);
  }
}

TEST_F(live_seats, concurrent_bookings_of_one_seat_make_one_booking) {
  for (int round = 0; round < 10; ++round) {
    int seat = 20 + round;
    ASSERT_EQ(lock(a_, seat).status, 200);
    constexpr int attempts = 20;
    std::atomic<int> created{0};
    std::barrier sync(attempts);
    std::vector<std::thread> threads;
    for (int i = 0; i < attempts; ++i)
      threads.emplace_back([&] {
        http_client own(server_->port());
        own.get("/");
        sync.arrive_and_wait();
        auto r = own.post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", {seat}}}, a_);
        if (r.status == 201) ++created;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1) << "round " << round;
    ASSERT_EQ(unlock(a_, seat).status, 200);
  }
  auto tickets = c_->get("/bookings/my-tickets", a_).json().as_array();
  EXPECT_EQ(tickets.size(), 10u);
  for (auto& t : tickets) EXPECT_EQ(t.at("seats").as_array().size(), 1u);
}

class live_seats_short_ttl : public live_seats {
 protected:
  void SetUp() override { start({"--hold-ttl", "1", "--ws-queue-kib", "16"}); }
};

TEST_F(live_seats_short_ttl, expiry_reaches_every_viewer_without_user_id_in_order) {
  ws_client v1(server_->port(), "/ws/seats/1");
  ws_client v2(server_->port(), "/ws/seats/1");
  auto s0 = seq_of(*v1.read_json());
  ASSERT_TRUE(v2.read_json());
  auto r = lock(a_, 12);
  ASSERT_EQ(r.status, 200);
  auto expires_at = r.json().at("expires_at").as_int64();
  for (auto* v : {&v1, &v2}) {
    auto l = v->read_json();
    ASSERT_TRUE(l);
    EXPECT_EQ(l->at("type"), "SEAT_LOCKED");
    auto u = v->read_json(std::chrono::seconds(3));
    ASSERT_TRUE(u);
    EXPECT_EQ(u->at("type"), "SEAT_UNLOCKED");
    EXPECT_EQ(u->at("seat_no"), 12);
    EXPECT_FALSE(u->contains("user_id"));
    EXPECT_EQ(seq_of(*u), s0 + 2);
  }
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(now_ms, expires_at);  // not before the deadline
  EXPECT_EQ(lock(b_, 12).status, 200);
  // An expired hold cannot be booked.
  ASSERT_EQ(lock(a_, 13).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(book(a_, {13}).status, 400);
}

TEST_F(live_seats_short_ttl, slow_consumer_is_closed_while_others_keep_receiving) {
  // A viewer with a tiny receive buffer that never reads.
  ws_client slow(server_->port(), "/ws/seats/2", 2048);
  ws_client fast(server_->port(), "/ws/seats/2");
  ASSERT_TRUE(fast.read_json());
  int received = 0;
  // Enough events to pass the 16 KiB queue plus the kernel's buffers (a 64 KiB send buffer,
  // doubled, and the slow client's 2 KiB) about twice over, and few enough that the rounds end
  // well within the server's 10 s close deadline even on a loaded machine: the close frame can
  // only follow the write the slow client blocks, so it arrives once the client reads, unless
  // the server gave up on the handshake first.
  constexpr int rounds = 1200;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    ASSERT_EQ(lock(a_, 1 + i % 5, 2).status, 200);
    ASSERT_EQ(unlock(a_, 1 + i % 5, 2).status, 200);
    while (auto m = fast.read_json(std::chrono::milliseconds(0))) ++received;
    ASSERT_FALSE(fast.closed());
  }
  // The fast viewer got everything (drain what is left), the slow one was closed by policy.
  while (auto m = fast.read_json(std::chrono::milliseconds(500))) ++received;
  EXPECT_EQ(received, 2 * rounds);
  std::optional<std::string> m;
  int slow_got = 0;
  while ((m = slow.read(std::chrono::seconds(2)))) ++slow_got;
  EXPECT_LT(slow_got, 2 * rounds + 1);
  EXPECT_TRUE(slow.closed());
  // The close frame waits behind the write the slow client blocks; when the rounds themselves
  // outlast the server's 10 s close-handshake deadline (an overloaded CI machine under ASan),
  // the server drops the connection without it. Closed is the point; the 1008 is checked
  // whenever the timing allows it.
  const auto took = std::chrono::steady_clock::now() - started;
  if (took < std::chrono::seconds(8))
    EXPECT_EQ(slow.close_reason().code, boost::beast::websocket::close_code::policy_error);
  else
    std::fprintf(stderr, "rounds took %lld ms: the close code is not checked\n",
                 static_cast<long long>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

// Issue 11 item 10: RFC 6455 8.1: a text message or a close reason that is not UTF-8 fails the
// connection with 1007; the client's close reason is never echoed back.
TEST_F(live_seats, invalid_utf8_closes_with_1007_and_close_reasons_are_not_echoed) {
  {
    ws_client v(server_->port(), "/ws/seats/1");
    ASSERT_TRUE(v.read_json());
    v.stream().text(true);
    v.stream().write(boost::asio::buffer(std::string_view("pi\xffng")));
    EXPECT_FALSE(v.read());
    EXPECT_TRUE(v.closed());
    EXPECT_EQ(v.close_reason().code, boost::beast::websocket::close_code::bad_payload);
  }
  {
    ws_client v(server_->port(), "/ws/seats/1");
    ASSERT_TRUE(v.read_json());
    boost::beast::error_code ec;
    v.stream().close({boost::beast::websocket::close_code::normal, "<script>echo me</script>"},
                     ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(v.stream().reason().code, boost::beast::websocket::close_code::normal);
    EXPECT_EQ(v.stream().reason().reason, "");
  }
  {
    ws_client v(server_->port(), "/ws/seats/1");
    ASSERT_TRUE(v.read_json());
    boost::beast::error_code ec;
    v.stream().close({boost::beast::websocket::close_code::normal, "bye \xc0\xaf"}, ec);
    EXPECT_EQ(v.stream().reason().code, boost::beast::websocket::close_code::bad_payload);
  }
}

// The upgrade request a browser sends, raw: the answer's status line is what is checked.
std::string raw_upgrade(http_client& c, const std::string& target) {
  return c.raw("GET " + target +
                   " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
               std::chrono::milliseconds(1500));
}

class live_seats_viewer_cap : public live_seats {
 protected:
  void SetUp() override { start({}, {{"SEATD_MAX_VIEWERS_PER_CLIENT", "2"}}); }
};

// Issue 11 item 7: one address could open viewers until the server ran out of descriptors.
TEST_F(live_seats_viewer_cap, viewers_past_the_per_client_cap_are_refused_with_429) {
  auto first = std::make_unique<ws_client>(server_->port(), "/ws/seats/1");
  ASSERT_TRUE(first->read_json());
  ws_client second(server_->port(), "/ws/seats/2");
  ASSERT_TRUE(second.read_json());

  // Refused before the upgrade, with an HTTP answer saying why and when to retry.
  http_client raw(server_->port());
  auto answer = raw_upgrade(raw, "/ws/seats/1");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 429")) << answer.substr(0, 80);
  EXPECT_NE(answer.find("Retry-After: 10"), std::string::npos) << answer;
  EXPECT_THROW(ws_client(server_->port(), "/ws/seats/1"), boost::system::system_error);
  // Plain HTTP from the same address is not affected; the open viewers keep working.
  EXPECT_EQ(c_->get("/trips/1").status, 200);
  ASSERT_EQ(lock(a_, 3).status, 200);
  auto m = first->read_json();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "SEAT_LOCKED");

  // A viewer that leaves gives its place back.
  boost::beast::error_code ec;
  first->stream().close(boost::beast::websocket::close_code::normal, ec);
  first.reset();
  std::unique_ptr<ws_client> third;
  for (int i = 0; i < 100 && !third; ++i) {
    try {
      third = std::make_unique<ws_client>(server_->port(), "/ws/seats/1");
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->read_json());
}

}  // namespace
}  // namespace seatd::testing
