// The shared login counts on a real redis-server: concurrent attempts for one account from
// one client, through the reserve script, never pass the limit (issue 11 item 4: on Redis,
// too, every one of 60 concurrent wrong passwords used to be checked).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "app/redis_login_failures.hpp"
#include "integration/redis_test_server.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

redis::config config_for(const test::redis_test_server& server) {
  redis::config cfg;
  cfg.url = server.url();
  return cfg;
}

// Runs the io_context until `done` or 10 s.
template <class Pred>
void run_until(asio::io_context& ioc, Pred done) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_for(10ms);
}

TEST(redis_login_failures, concurrent_attempts_never_pass_the_limit) {
  test::redis_test_server server;
  asio::io_context ioc;
  redis_login_failures shared(ioc.get_executor(), config_for(server),
                              {.per_account = 10, .per_client = 200, .window = 5min});
  shared.start();
  // Connected once a reservation for a never-allowed account is refused (while Redis cannot
  // answer, reserve() allows: the local throttles still apply).
  redis_login_failures probe(ioc.get_executor(), config_for(server),
                             {.per_account = 0, .per_client = 0, .window = 5min});
  probe.start();
  bool connected = false;
  for (int i = 0; i < 200 && !connected; ++i) {
    bool answered = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      connected = !co_await probe.reserve("probe", "probe");
      answered = true;
    }, asio::detached);
    run_until(ioc, [&] { return answered; });
  }
  ASSERT_TRUE(connected);
  // And for the instance under test: a reservation of its own reaches Redis.
  for (int i = 0; i < 200; ++i) {
    bool answered = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      co_await shared.reserve("warm", "warm");
      answered = true;
    }, asio::detached);
    run_until(ioc, [&] { return answered; });
    if (server.command({"EXISTS", "seatd:login:{warm}:all"}).integer() == 1) break;
  }
  ASSERT_EQ(server.command({"EXISTS", "seatd:login:{warm}:all"}).integer(), 1);
  int admitted = 0, finished = 0;
  for (int i = 0; i < 60; ++i)
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      if (co_await shared.reserve("203.0.113.9", "victim@example.com")) ++admitted;
      ++finished;
    }, asio::detached);
  run_until(ioc, [&] { return finished == 60; });
  ASSERT_EQ(finished, 60);
  EXPECT_EQ(admitted, 10);
  // A refunded attempt (the hash lane was full) can be made again; a success clears the
  // account's count on this client.
  shared.refund("203.0.113.9", "victim@example.com", false);
  run_until(ioc, [&] {
    return server.command({"GET", "seatd:login:{203.0.113.9}:acct:victim@example.com"}).str() == "9";
  });
  shared.refund("203.0.113.9", "victim@example.com", true);
  run_until(ioc, [&] {
    return server.command({"EXISTS", "seatd:login:{203.0.113.9}:acct:victim@example.com"})
               .integer() == 0;
  });
  EXPECT_EQ(server.command({"GET", "seatd:login:{203.0.113.9}:all"}).str(), "8");
  shared.stop();
  probe.stop();
  ioc.run_for(100ms);
}

}  // namespace
}  // namespace seatd
