// redis::subscriber against a real redis-server.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "redis/connection.hpp"
#include "redis/subscriber.hpp"
#include "redis_test_server.hpp"
#include "redis_test_support.hpp"

namespace seatd::test {
namespace {

using namespace std::string_literals;
using redis::errc;
using redis::reply;

class redis_subscriber : public ::testing::Test {
 protected:
  redis::config make_config() {
    redis::config c;
    c.url = server.url();
    c.command_timeout = 2s;
    c.connect_timeout = 1s;
    c.health_check_interval = 0ms;
    c.reconnect = {20ms, 200ms, 0.5};
    return c;
  }

  // A subscriber wired to the counters; started but not waited for.
  std::unique_ptr<redis::subscriber> make_subscriber(redis::config c) {
    auto s = std::make_unique<redis::subscriber>(runner.executor(), std::move(c));
    s->on_message([this](const redis::message& m) { messages.add(m); });
    s->on_connected([this] { connected.bump(); });
    s->on_disconnected([this](const boost::system::error_code& ec, std::string_view) {
      last_disconnect.set(ec);
      disconnected.bump();
    });
    return s;
  }

  // A plain connection for PUBLISH and the like.
  void open_publisher() {
    pub = std::make_unique<redis::connection>(runner.executor(), make_config());
    pub->on_connected([this] { pub_connected.bump(); });
    pub->start();
    ASSERT_TRUE(pub_connected.wait_for(1, 5s));
  }

  // PUBLISH through the publisher, reconnecting view: returns the receiver count.
  std::int64_t publish(std::string_view channel, std::string_view payload) {
    auto r = runner.run(pub->exec("PUBLISH", channel, payload));
    EXPECT_TRUE(r) << r.error().message();
    return r && r->is_integer() ? r->integer() : -1;
  }

  redis_test_server server;
  io_runner runner{2};
  event_counter connected;
  event_counter disconnected;
  event_counter pub_connected;
  guarded<boost::system::error_code> last_disconnect;
  message_log messages;
  std::unique_ptr<redis::connection> pub;
  std::unique_ptr<redis::subscriber> sub;
};

TEST_F(redis_subscriber, receives_channel_and_pattern_messages) {
  open_publisher();
  sub = make_subscriber(make_config());
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  EXPECT_TRUE(sub->connected());

  auto ok = runner.run(sub->subscribe("news"));
  ASSERT_TRUE(ok) << ok.error().message();
  const std::array<std::string, 2> patterns{"trip:*", "bus:?"};
  ASSERT_TRUE(runner.run(sub->psubscribe(patterns)));

  EXPECT_EQ(publish("news", "hello"), 1);
  EXPECT_EQ(publish("trip:7", "seat 3 held"), 1);
  const std::string binary = "\0\r\n\xff"s;
  EXPECT_EQ(publish("bus:1", binary), 1);
  EXPECT_EQ(publish("elsewhere", "nobody"), 0);

  ASSERT_TRUE(messages.wait_for(3, 3s));
  auto got = messages.snapshot();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].channel, "news");
  EXPECT_EQ(got[0].pattern, "");
  EXPECT_EQ(got[0].payload, "hello");
  EXPECT_EQ(got[1].channel, "trip:7");
  EXPECT_EQ(got[1].pattern, "trip:*");
  EXPECT_EQ(got[1].payload, "seat 3 held");
  EXPECT_EQ(got[2].channel, "bus:1");
  EXPECT_EQ(got[2].pattern, "bus:?");
  EXPECT_EQ(got[2].payload, binary);
}

TEST_F(redis_subscriber, unsubscribe_stops_delivery) {
  open_publisher();
  sub = make_subscriber(make_config());
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  ASSERT_TRUE(runner.run(sub->subscribe("a")));
  ASSERT_TRUE(runner.run(sub->subscribe("b")));
  ASSERT_TRUE(runner.run(sub->psubscribe("p:*")));
  EXPECT_EQ(publish("a", "1"), 1);
  // Received before unsubscribing: a message still in flight when unsubscribe() is issued is
  // dropped by contract, which would make the count below depend on timing.
  ASSERT_TRUE(messages.wait_for(1, 3s));

  ASSERT_TRUE(runner.run(sub->unsubscribe("a")));
  ASSERT_TRUE(runner.run(sub->punsubscribe("p:*")));
  EXPECT_EQ(publish("a", "2"), 0);
  EXPECT_EQ(publish("p:x", "3"), 0);
  EXPECT_EQ(publish("b", "4"), 1);
  ASSERT_TRUE(messages.wait_for(2, 3s));
  auto got = messages.snapshot();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].payload, "1");
  EXPECT_EQ(got[1].payload, "4");
}

TEST_F(redis_subscriber, resubscribes_after_a_restart_and_then_reports_connected) {
  open_publisher();
  sub = make_subscriber(make_config());
  // Subscribing before start() is remembered and applied on the first connect.
  auto early = runner.run(sub->subscribe("news"));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error(), errc::unavailable);
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  ASSERT_TRUE(runner.run(sub->psubscribe("trip:*")));
  EXPECT_EQ(publish("news", "before"), 1);
  ASSERT_TRUE(messages.wait_for(1, 3s));

  server.restart();
  ASSERT_TRUE(disconnected.wait_for(1, 3s));
  EXPECT_EQ(last_disconnect.get(), errc::connection_lost);
  ASSERT_TRUE(connected.wait_for(2, 5s)) << "did not resubscribe";
  // on_connected fires only once the resubscription is confirmed: Redis already counts us.
  EXPECT_EQ(server.command({"PUBSUB", "NUMSUB", "news"}),
            reply::make_array({reply::make_string("news"), reply::make_integer(1)}));
  EXPECT_EQ(server.command({"PUBSUB", "NUMPAT"}), reply::make_integer(1));

  ASSERT_TRUE(pub_connected.wait_for(2, 5s));
  EXPECT_EQ(publish("news", "after"), 1);
  EXPECT_EQ(publish("trip:9", "pattern after"), 1);
  ASSERT_TRUE(messages.wait_for(3, 3s));
  auto got = messages.snapshot();
  EXPECT_EQ(got[1].payload, "after");
  EXPECT_EQ(got[2].payload, "pattern after");
  EXPECT_EQ(got[2].pattern, "trip:*");
}

TEST_F(redis_subscriber, subscription_made_during_an_outage_is_applied_on_reconnect) {
  open_publisher();
  sub = make_subscriber(make_config());
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  server.kill();
  ASSERT_TRUE(disconnected.wait_for(1, 3s));
  auto r = runner.run(sub->subscribe("later"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::unavailable);
  // Unsubscribing while down needs no server: it just forgets.
  EXPECT_TRUE(runner.run(sub->unsubscribe("never")));

  server.start();
  ASSERT_TRUE(connected.wait_for(2, 5s));
  ASSERT_TRUE(pub_connected.wait_for(2, 5s));
  EXPECT_EQ(publish("later", "x"), 1);
  ASSERT_TRUE(messages.wait_for(1, 3s));
  EXPECT_EQ(messages.snapshot()[0].channel, "later");
}

// The seed's design: Redis publishes expired keys on __keyevent@<db>__:expired.
TEST_F(redis_subscriber, receives_keyspace_expired_events) {
  open_publisher();
  auto cfg = runner.run(pub->exec("CONFIG", "SET", "notify-keyspace-events", "Ex"));
  ASSERT_TRUE(cfg);
  ASSERT_EQ(*cfg, reply::make_status("OK"));
  sub = make_subscriber(make_config());
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  ASSERT_TRUE(runner.run(sub->subscribe("__keyevent@0__:expired")));

  ASSERT_EQ(*runner.run(pub->exec("SET", "hold:{trip1}:3", "user7", "PX", 50)),
            reply::make_status("OK"));
  ASSERT_TRUE(messages.wait_for(1, 5s)) << "no expired event";
  auto got = messages.snapshot();
  EXPECT_EQ(got[0].channel, "__keyevent@0__:expired");
  EXPECT_EQ(got[0].payload, "hold:{trip1}:3");
}

TEST_F(redis_subscriber, health_check_notices_a_paused_server) {
  auto cfg = make_config();
  cfg.health_check_interval = 100ms;
  cfg.command_timeout = 300ms;
  sub = make_subscriber(cfg);
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  ASSERT_TRUE(runner.run(sub->subscribe("news")));
  // Pings while subscribed (["pong", ""]) keep a healthy connection up.
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(disconnected.value(), 0);

  server.pause();
  struct resume_on_exit {
    redis_test_server& s;
    ~resume_on_exit() { s.resume(); }
  } guard{server};
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(disconnected.wait_for(1, 3s));
  EXPECT_LT(since(t0), 1500ms);
  EXPECT_EQ(last_disconnect.get(), errc::timeout);
  server.resume();
  ASSERT_TRUE(connected.wait_for(2, 5s));
  EXPECT_EQ(server.command({"PUBSUB", "NUMSUB", "news"}),
            reply::make_array({reply::make_string("news"), reply::make_integer(1)}));
}

TEST_F(redis_subscriber, stop_silences_messages_and_fails_later_requests) {
  open_publisher();
  sub = make_subscriber(make_config());
  sub->start();
  ASSERT_TRUE(connected.wait_for(1, 5s));
  ASSERT_TRUE(runner.run(sub->subscribe("news")));
  sub->stop();
  EXPECT_FALSE(sub->connected());
  auto r = runner.run(sub->subscribe("other"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::stopped);
  // The subscription is gone from the server once the socket is closed.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = publish("news", "x") == 0;
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(messages.size(), 0u);
  EXPECT_EQ(disconnected.value(), 0);  // no callback after stop()
}

}  // namespace
}  // namespace seatd::test
