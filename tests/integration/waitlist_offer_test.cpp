// A waiting-list offer across instances (issue 16): the offer is made by a Redis hold engine
// of another process (as the matching service of any instance makes it), travels as a seat
// event through Redis, and each seatd instance's viewers identified as the offered user get
// WAITLIST_OFFER right after the lock message(s); every other viewer gets only the lock.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"
#include "holds/redis_engine.hpp"
#include "integration/seatd_cluster.hpp"

namespace seatd::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::uint64_t seq_of(const boost::json::object& m) {
  return m.at("seq").to_number<std::uint64_t>();
}

// A viewer of trip 1 past its INITIAL_STATE (seq in *seq); identified as `token` when given.
std::unique_ptr<ws_client> viewer(unsigned short port, const std::string& target,
                                  const std::string& token, std::uint64_t* seq = nullptr) {
  auto v = std::make_unique<ws_client>(port, target);
  if (target.find("since=") == std::string::npos) {
    auto init = v->read_json();
    EXPECT_TRUE(init && init->at("type") == "INITIAL_STATE");
    if (init && seq) *seq = seq_of(*init);
  }
  if (!token.empty()) {
    v->send_text(boost::json::serialize(boost::json::object{{"type", "AUTH"}, {"token", token}}));
    auto ok = v->wait_for("AUTH_OK");
    EXPECT_TRUE(ok);
  }
  return v;
}

// Every JSON message until the viewer stays quiet (a ping's pong marks the end).
std::vector<boost::json::object> drain(ws_client& v) {
  v.send_text("ping");
  std::vector<boost::json::object> out;
  while (auto text = v.read(5s)) {
    if (*text == "pong") break;
    out.push_back(boost::json::parse(*text).as_object());
  }
  return out;
}

std::vector<std::string> types(const std::vector<boost::json::object>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(std::string(m.at("type").as_string()));
  return out;
}

// The matching service's side, in a process of its own: a Redis hold engine on the cluster's
// Redis.
struct offering_engine {
  explicit offering_engine(const std::string& url) {
    redis_engine::options o;
    o.redis = redis_engine::redis_engine_config(url);
    engine = std::make_unique<redis_engine>(ioc.get_executor(), clk, hold_policy{300s, 6}, o,
                                            [](const seat_event&) {});
    thread = std::thread([this] { ioc.run(); });
    engine->start();
  }
  ~offering_engine() {
    engine->stop();
    work.reset();
    ioc.stop();
    thread.join();
  }
  group_outcome offer(row_id trip, std::vector<int> seats, row_id user) {
    return asio::co_spawn(ioc, engine->take_offer(trip, std::move(seats), user), asio::use_future)
        .get();
  }
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  system_clock clk;
  std::unique_ptr<redis_engine> engine;
  std::thread thread;
};

TEST(multi_instance, a_waitlist_offer_reaches_only_the_offered_users_viewers_on_every_instance) {
  seatd_cluster::options opts;
  opts.instances = 2;
  seatd_cluster cluster(opts);
  http_client a(cluster.port(0)), b(cluster.port(1));
  auto queued = cluster.signup(a);
  auto someone = cluster.signup(b);

  std::uint64_t s0 = 0;
  auto mine_v1 = viewer(cluster.port(0), "/ws/seats/1", queued.token, &s0);
  auto mine_v2 = viewer(cluster.port(1), "/ws/seats/1?v=2", queued.token);
  auto theirs = viewer(cluster.port(1), "/ws/seats/1", someone.token);
  auto anonymous = viewer(cluster.port(0), "/ws/seats/1?v=2", "");

  offering_engine matcher(cluster.redis().url());
  auto offer = matcher.offer(1, {8, 7}, queued.id);
  ASSERT_FALSE(offer.code) << offer.code.message();
  const auto expires = offer.expires_at().time_since_epoch().count();

  auto got = drain(*mine_v1);
  ASSERT_EQ(types(got), (std::vector<std::string>{"SEAT_LOCKED", "SEAT_LOCKED", "WAITLIST_OFFER"}));
  const boost::json::object o = got[2];  // a copy: got is reused below
  EXPECT_EQ(o.at("trip_id"), 1);
  EXPECT_EQ(o.at("seat_nos"), (boost::json::array{7, 8}));
  EXPECT_EQ(o.at("expires_at"), expires);
  EXPECT_EQ(o.at("expires_at"), got[0].at("expires_at"));  // the lock's own format and value
  EXPECT_EQ(seq_of(o), s0 + 1);
  EXPECT_EQ(seq_of(got[0]), s0 + 1);
  EXPECT_EQ(got[0].at("user_id"), queued.id);

  got = drain(*mine_v2);
  ASSERT_EQ(types(got), (std::vector<std::string>{"SEATS_LOCKED", "WAITLIST_OFFER"}));
  EXPECT_EQ(got[1], o);

  EXPECT_EQ(types(drain(*theirs)), (std::vector<std::string>{"SEAT_LOCKED", "SEAT_LOCKED"}));
  EXPECT_EQ(types(drain(*anonymous)), (std::vector<std::string>{"SEATS_LOCKED"}));

  // A resume that replays the offer before the viewer could say who it is: the offer follows
  // its AUTH_OK.
  auto resumed = std::make_unique<ws_client>(cluster.port(1), "/ws/seats/1?v=2&since=" +
                                                                  std::to_string(s0));
  auto replayed = resumed->read_json();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->at("type"), "SEATS_LOCKED");
  resumed->send_text(
      boost::json::serialize(boost::json::object{{"type", "AUTH"}, {"token", queued.token}}));
  got = drain(*resumed);
  ASSERT_EQ(types(got), (std::vector<std::string>{"AUTH_OK", "WAITLIST_OFFER"}));
  EXPECT_EQ(got[1], o);
  // Resumed with nothing missed: only the AUTH_OK (an offer is sent once per connection).
  auto in_place = std::make_unique<ws_client>(cluster.port(0), "/ws/seats/1?since=" +
                                                                   std::to_string(s0 + 1));
  in_place->send_text(
      boost::json::serialize(boost::json::object{{"type", "AUTH"}, {"token", queued.token}}));
  EXPECT_EQ(types(drain(*in_place)), (std::vector<std::string>{"AUTH_OK"}));
}

}  // namespace
}  // namespace seatd::testing
