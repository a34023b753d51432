// redis::connection against a real redis-server.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "redis/connection.hpp"
#include "redis_test_server.hpp"
#include "redis_test_support.hpp"

namespace seatd::test {
namespace {

using namespace std::string_literals;
using redis::errc;
using redis::reply;

class redis_connection : public ::testing::Test {
 protected:
  explicit redis_connection(redis_test_server::options opts = {}) : server(std::move(opts)) {}

  redis::config make_config() {
    redis::config c;
    c.url = server.url();
    c.command_timeout = 2s;
    c.connect_timeout = 1s;
    c.health_check_interval = 0ms;
    c.reconnect = {20ms, 200ms, 0.5};
    return c;
  }

  // Starts a connection and waits for its first on_connected.
  std::unique_ptr<redis::connection> open(redis::config c) {
    auto conn = std::make_unique<redis::connection>(runner.executor(), std::move(c));
    conn->on_connected([this] { connected.bump(); });
    conn->on_disconnected([this](const boost::system::error_code& ec, std::string_view) {
      last_disconnect.set(ec);
      disconnected.bump();
    });
    conn->on_connect_failed([this](const boost::system::error_code&, std::string_view) {
      connect_failed.bump();
    });
    conn->start();
    EXPECT_TRUE(connected.wait_for(1, 5s)) << "never connected";
    return conn;
  }

  redis::result<reply> exec_sync(redis::connection& c, const redis::command& cmd) {
    return runner.run(c.exec(cmd));
  }

  redis_test_server server;
  io_runner runner{2};
  event_counter connected;
  event_counter disconnected;
  event_counter connect_failed;
  guarded<boost::system::error_code> last_disconnect;
  std::unique_ptr<redis::connection> conn;  // destroyed first: before the io threads stop
};

TEST_F(redis_connection, basic_commands_and_reply_types) {
  conn = open(make_config());
  EXPECT_TRUE(conn->connected());
  EXPECT_EQ(*runner.run(conn->exec("SET", "k", "v")), reply::make_status("OK"));
  EXPECT_EQ(*runner.run(conn->exec("GET", "k")), reply::make_string("v"));
  EXPECT_EQ(*runner.run(conn->exec("INCR", "n")), reply::make_integer(1));
  EXPECT_EQ(*runner.run(conn->exec("INCRBY", "n", 41)), reply::make_integer(42));
  EXPECT_EQ(*runner.run(conn->exec("DEL", "k")), reply::make_integer(1));
  EXPECT_EQ(*runner.run(conn->exec("GET", "k")), reply::make_nil());

  auto lst = runner.run(conn->exec("RPUSH", "l", "a", "b"));
  ASSERT_TRUE(lst);
  auto range = runner.run(conn->exec("LRANGE", "l", 0, -1));
  ASSERT_TRUE(range);
  EXPECT_EQ(*range, reply::make_array({reply::make_string("a"), reply::make_string("b")}));

  // A Redis error is a normal reply of type error, not a failure of the call.
  auto wrong = runner.run(conn->exec("INCR", "l"));
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(wrong->is_error());
  EXPECT_EQ(wrong->error_kind(), "WRONGTYPE");
  auto unknown = runner.run(conn->exec("NOSUCHCOMMAND"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->error_kind(), "ERR");
  // ...and the connection carries on.
  EXPECT_EQ(*runner.run(conn->exec("PING")), reply::make_status("PONG"));
}

TEST_F(redis_connection, values_are_binary_safe) {
  conn = open(make_config());
  std::string value = "a\0b\r\n$3\r\n*1\r\n"s;
  for (int i = 0; i < 256; ++i) value += static_cast<char>(i);
  std::string big(1 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  std::string key = "key\0with\r\nbytes"s;

  EXPECT_EQ(*runner.run(conn->exec("SET", key, value)), reply::make_status("OK"));
  EXPECT_EQ(*runner.run(conn->exec("GET", key)), reply::make_string(value));
  EXPECT_EQ(*runner.run(conn->exec("SET", "big", big)), reply::make_status("OK"));
  auto got = runner.run(conn->exec("GET", "big"));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->str() == big);
  // The independent client sees the same bytes.
  EXPECT_EQ(server.command({"GET", key}), reply::make_string(value));
}

TEST_F(redis_connection, refuses_commands_that_break_the_pipeline) {
  conn = open(make_config());
  for (const redis::command& cmd :
       {redis::command{"SUBSCRIBE", "x"}, redis::command{"psubscribe", "x*"},
        redis::command{"MULTI"}, redis::command{"watch", "k"}, redis::command{"SELECT", "1"},
        redis::command{"CLIENT", "REPLY", "OFF"}, redis::command{"MONITOR"},
        redis::command{}}) {
    auto r = exec_sync(*conn, cmd);
    ASSERT_FALSE(r) << (cmd.empty() ? "(empty)" : cmd[0]);
    EXPECT_EQ(r.error(), errc::bad_command);
  }
  EXPECT_EQ(*runner.run(conn->exec("PING")), reply::make_status("PONG"));
}

// 100 coroutines each issue 100 commands at once (10,000 in flight on one connection);
// every caller's commands must run in the order it issued them.
constexpr int callers = 100;
constexpr int per_caller = 100;

TEST_F(redis_connection, pipelines_ten_thousand_concurrent_commands_in_order_per_caller) {
  conn = open(make_config());
  std::atomic<int> failures{0};

  auto caller = [&](int id) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer all_done(ex, std::chrono::steady_clock::time_point::max());
    std::vector<redis::result<reply>> results(per_caller);
    int done = 0;
    const std::string list = "list:" + std::to_string(id);
    for (int j = 0; j < per_caller; ++j) {
      redis::command cmd;
      cmd.push_all("RPUSH", list, j);
      auto on_reply = [&results, &done, &all_done, j](redis::result<reply> r) {
        results[j] = std::move(r);
        if (++done == per_caller) all_done.cancel();
      };
      conn->async_exec(cmd, asio::bind_executor(ex, on_reply));
    }
    if (done < per_caller) {
      auto [ec] = co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
      (void)ec;
    }
    for (int j = 0; j < per_caller; ++j) {
      // RPUSH answers the new length: j + 1 only if the pushes ran in issue order.
      if (!results[j] || !results[j]->is_integer() || results[j]->integer() != j + 1) {
        ++failures;
      }
    }
    auto range = co_await conn->exec("LRANGE", list, 0, -1);
    if (!range || range->size() != per_caller) {
      ++failures;
      co_return;
    }
    for (int j = 0; j < per_caller; ++j) {
      if ((*range)[j].str() != std::to_string(j)) ++failures;
    }
  };

  // Runs on a strand (runner.run); the callers' completions post back to it.
  auto all = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer finished(ex, std::chrono::steady_clock::time_point::max());
    int remaining = callers;
    for (int i = 0; i < callers; ++i) {
      // Each caller on its own strand, like sessions in seatd.
      asio::co_spawn(asio::make_strand(runner.executor()), caller(i),
                     asio::bind_executor(ex, [&](const std::exception_ptr& e) {
                       if (e) ++failures;
                       if (--remaining == 0) finished.cancel();
                     }));
    }
    if (remaining > 0) {
      auto [ec] = co_await finished.async_wait(asio::as_tuple(asio::use_awaitable));
      (void)ec;
    }
  };
  runner.run(all(), 30s);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.command({"LLEN", "list:99"}), reply::make_integer(per_caller));
}

TEST_F(redis_connection, command_against_a_paused_server_times_out_and_the_connection_recovers) {
  auto cfg = make_config();
  cfg.command_timeout = 300ms;
  conn = open(cfg);
  server.pause();
  struct resume_on_exit {
    redis_test_server& s;
    ~resume_on_exit() { s.resume(); }
  } guard{server};

  // Two commands in flight: the first times out, the second is failed with the reset.
  auto both = [&]() -> asio::awaitable<std::pair<redis::result<reply>, redis::result<reply>>> {
    using namespace asio::experimental::awaitable_operators;
    auto a = conn->exec("GET", "a");
    auto b = conn->exec("GET", "b");
    auto pair = std::move(a) && std::move(b);
    auto [ra, rb] = co_await std::move(pair);
    co_return std::make_pair(std::move(ra), std::move(rb));
  };
  auto t0 = std::chrono::steady_clock::now();
  auto [first, second] = runner.run(both());
  auto elapsed = since(t0);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error(), errc::timeout);
  ASSERT_FALSE(second);
  EXPECT_TRUE(second.error() == errc::connection_lost || second.error() == errc::timeout)
      << second.error().message();
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1000ms);

  // The connection was declared broken; until Redis answers again, commands fail fast.
  EXPECT_TRUE(disconnected.wait_for(1, 2s));
  EXPECT_EQ(last_disconnect.get(), errc::timeout);
  auto t1 = std::chrono::steady_clock::now();
  auto fast = runner.run(conn->exec("GET", "a"));
  ASSERT_FALSE(fast);
  EXPECT_EQ(fast.error(), errc::unavailable);
  EXPECT_LT(since(t1), 250ms);

  server.resume();
  EXPECT_TRUE(connected.wait_for(2, 5s));
  EXPECT_EQ(*runner.run(conn->exec("PING")), reply::make_status("PONG"));
}

TEST_F(redis_connection, outage_fails_fast_then_reconnects_on_its_own) {
  conn = open(make_config());
  ASSERT_EQ(*runner.run(conn->exec("SET", "before", "1")), reply::make_status("OK"));

  server.kill();
  ASSERT_TRUE(disconnected.wait_for(1, 2s));
  EXPECT_EQ(last_disconnect.get(), errc::connection_lost);
  EXPECT_FALSE(conn->connected());
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = runner.run(conn->exec("GET", "before"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unavailable);
    EXPECT_TRUE(redis::is_unavailable(r.error()));
    EXPECT_LT(since(t0), 250ms);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(connect_failed.value(), 1);  // it kept trying

  server.start();  // same port
  ASSERT_TRUE(connected.wait_for(2, 5s)) << "did not reconnect";
  EXPECT_TRUE(conn->connected());
  EXPECT_EQ(*runner.run(conn->exec("SET", "after", "2")), reply::make_status("OK"));
  EXPECT_EQ(*runner.run(conn->exec("GET", "after")), reply::make_string("2"));
}

TEST_F(redis_connection, health_check_notices_a_paused_server_while_idle) {
  auto cfg = make_config();
  cfg.health_check_interval = 100ms;
  cfg.command_timeout = 300ms;
  conn = open(cfg);
  server.pause();
  struct resume_on_exit {
    redis_test_server& s;
    ~resume_on_exit() { s.resume(); }
  } guard{server};
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(disconnected.wait_for(1, 3s)) << "idle connection to a paused server not noticed";
  EXPECT_LT(since(t0), 1500ms);
  EXPECT_EQ(last_disconnect.get(), errc::timeout);
  server.resume();
  EXPECT_TRUE(connected.wait_for(2, 5s));
  // Health checks on a healthy idle connection do not disturb it.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(disconnected.value(), 1);
  EXPECT_EQ(*runner.run(conn->exec("PING")), reply::make_status("PONG"));
}

TEST_F(redis_connection, eval_script_uses_evalsha_and_survives_script_flush_and_restart) {
  conn = open(make_config());
  const std::string script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
  const std::array<std::string_view, 1> keys{"counter"};
  const std::array<std::string, 1> args{"5"};
  for (int i = 1; i <= 3; ++i) {
    auto r = runner.run(conn->eval_script(script, keys, args));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, reply::make_integer(5 * i)) << r->debug_string();
  }
  auto stats = server.command({"INFO", "commandstats"});
  EXPECT_NE(stats.str().find("cmdstat_evalsha:calls="), std::string::npos)
      << "EVALSHA never used:\n"
      << stats.str();

  // NOSCRIPT (script cache emptied) falls back to EVAL transparently.
  EXPECT_EQ(server.command({"SCRIPT", "FLUSH"}), reply::make_status("OK"));
  auto after_flush = runner.run(conn->eval_script(script, keys, args));
  ASSERT_TRUE(after_flush);
  EXPECT_EQ(*after_flush, reply::make_integer(20));

  // Same after a restart (and the data is gone: no persistence).
  server.restart();
  ASSERT_TRUE(connected.wait_for(2, 5s));
  auto after_restart = runner.run(conn->eval_script(script, keys, args));
  ASSERT_TRUE(after_restart);
  EXPECT_EQ(*after_restart, reply::make_integer(5));

  // A script error is an error reply.
  const std::array<std::string_view, 0> none{};
  auto bad = runner.run(conn->eval_script("return redis.call('INCR')", none, none));
  ASSERT_TRUE(bad);
  EXPECT_TRUE(bad->is_error()) << bad->debug_string();
  EXPECT_EQ(*runner.run(conn->exec("PING")), reply::make_status("PONG"));
}

TEST_F(redis_connection, cancelling_an_exec_abandons_only_its_reply) {
  conn = open(make_config());
  auto race = [&]() -> asio::awaitable<int> {
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, 50ms);
    auto t0 = std::chrono::steady_clock::now();
    // BLPOP blocks the server-side connection for 1 s; the timer wins after 50 ms.
    auto blpop = conn->exec("BLPOP", "empty-list", 1);
    auto wait = timer.async_wait(asio::use_awaitable);
    auto either = std::move(blpop) || std::move(wait);
    auto winner = co_await std::move(either);
    int result = static_cast<int>(winner.index());
    if (since(t0) > 500ms) result = -1;
    // The PING is answered after the abandoned BLPOP's nil: it must get its own PONG.
    auto pong = co_await conn->exec("PING");
    if (!pong || *pong != reply::make_status("PONG")) result = -2;
    co_return result;
  };
  EXPECT_EQ(runner.run(race()), 1);
}

TEST_F(redis_connection, too_many_pending_commands_fail_with_overloaded) {
  auto cfg = make_config();
  cfg.max_pending = 10;
  conn = open(cfg);
  server.pause();
  struct resume_on_exit {
    redis_test_server& s;
    ~resume_on_exit() { s.resume(); }
  } guard{server};
  std::mutex m;
  std::vector<redis::result<reply>> results;
  event_counter completed;
  for (int i = 0; i < 50; ++i) {
    conn->async_exec(redis::command{"PING"}, [&](redis::result<reply> r) {
      {
        std::lock_guard lock(m);
        results.push_back(std::move(r));
      }
      completed.bump();
    });
  }
  ASSERT_TRUE(completed.wait_for(40, 2s));
  server.resume();
  ASSERT_TRUE(completed.wait_for(50, 5s));
  std::lock_guard lock(m);
  int ok = 0, overloaded = 0;
  for (auto& r : results) {
    if (r && *r == reply::make_status("PONG")) ++ok;
    if (!r && r.error() == errc::overloaded) ++overloaded;
  }
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(overloaded, 40);
}

TEST_F(redis_connection, queued_bytes_are_bounded) {
  auto cfg = make_config();
  cfg.max_queued_bytes = 2 << 20;
  cfg.command_timeout = 10s;
  conn = open(cfg);
  server.pause();
  struct resume_on_exit {
    redis_test_server& s;
    ~resume_on_exit() { s.resume(); }
  } guard{server};
  // 40 MiB of SETs against a server that reads nothing: the kernel's socket buffers absorb
  // some megabytes, then the queue fills and further commands are refused.
  const std::string value(1 << 20, 'v');
  std::mutex m;
  std::vector<redis::result<reply>> results;
  event_counter completed;
  for (int i = 0; i < 40; ++i) {
    redis::command cmd;
    cmd.push_all("SET", "big:" + std::to_string(i), value);
    conn->async_exec(cmd, [&](redis::result<reply> r) {
      {
        std::lock_guard lock(m);
        results.push_back(std::move(r));
      }
      completed.bump();
    });
  }
  std::this_thread::sleep_for(300ms);
  server.resume();
  ASSERT_TRUE(completed.wait_for(40, 10s));
  std::lock_guard lock(m);
  int ok = 0, overloaded = 0;
  for (auto& r : results) {
    if (r && *r == reply::make_status("OK")) ++ok;
    if (!r && r.error() == errc::overloaded) ++overloaded;
  }
  EXPECT_EQ(ok + overloaded, 40);
  EXPECT_GT(overloaded, 0);
  EXPECT_GT(ok, 0);
}

TEST_F(redis_connection, fails_with_unavailable_before_start) {
  redis::connection idle(runner.executor(), make_config());
  auto r = runner.run(idle.exec("PING"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::unavailable);
}

TEST(redis_connection_config, rejects_a_bad_url) {
  asio::io_context io;
  redis::config cfg;
  cfg.url = "http://localhost";
  EXPECT_THROW(redis::connection(io.get_executor(), cfg), std::invalid_argument);
}

// A server with a password, DEBUG enabled, and a URL naming a database.
class redis_connection_auth : public redis_connection {
 protected:
  redis_connection_auth()
      : redis_connection({.password = "open sesame", .extra_args = {"--enable-debug-command", "yes"}}) {}
};

TEST_F(redis_connection_auth, auth_select_and_client_name_from_config) {
  auto cfg = make_config();
  cfg.url = "redis://:open%20sesame@127.0.0.1:" + std::to_string(server.port()) + "/2";
  cfg.client_name = "seatd-test";
  conn = open(cfg);
  EXPECT_EQ(*runner.run(conn->exec("SET", "in-db-2", "yes")), reply::make_status("OK"));
  EXPECT_EQ(server.command({"GET", "in-db-2"}, 2), reply::make_string("yes"));
  EXPECT_EQ(server.command({"GET", "in-db-2"}, 0), reply::make_nil());
  auto clients = server.command({"CLIENT", "LIST"});
  EXPECT_NE(clients.str().find("name=seatd-test"), std::string::npos) << clients.str();
}

TEST_F(redis_connection_auth, wrong_password_is_reported_as_server_error) {
  auto cfg = make_config();
  cfg.url = "redis://:wrong@127.0.0.1:" + std::to_string(server.port());
  redis::connection c(runner.executor(), cfg);
  std::mutex m;
  boost::system::error_code why;
  std::string detail;
  event_counter failed;
  c.on_connect_failed([&](const boost::system::error_code& ec, std::string_view d) {
    {
      std::lock_guard lock(m);
      why = ec;
      detail = d;
    }
    failed.bump();
  });
  c.start();
  ASSERT_TRUE(failed.wait_for(1, 3s));
  c.stop();
  std::lock_guard lock(m);
  EXPECT_EQ(why, errc::server_error);
  EXPECT_NE(detail.find("AUTH"), std::string::npos) << detail;
  EXPECT_NE(detail.find("WRONGPASS"), std::string::npos) << detail;
}

TEST_F(redis_connection_auth, missing_password_is_reported_as_server_error) {
  auto cfg = make_config();
  cfg.url = "redis://127.0.0.1:" + std::to_string(server.port());
  redis::connection c(runner.executor(), cfg);
  std::mutex m;
  std::string detail;
  event_counter failed;
  c.on_connect_failed([&](const boost::system::error_code&, std::string_view d) {
    {
      std::lock_guard lock(m);
      detail = d;
    }
    failed.bump();
  });
  c.start();
  ASSERT_TRUE(failed.wait_for(1, 3s));
  c.stop();
  std::lock_guard lock(m);
  EXPECT_NE(detail.find("NOAUTH"), std::string::npos) << detail;
}

TEST_F(redis_connection_auth, command_in_flight_when_the_server_dies_fails_with_connection_lost) {
  auto cfg = make_config();
  cfg.url = server.url();
  cfg.command_timeout = 5s;
  conn = open(cfg);
  auto sleeping = [&]() -> asio::awaitable<redis::result<reply>> {
    co_return co_await conn->exec("DEBUG", "SLEEP", 2);
  };
  auto fut = asio::co_spawn(conn->get_executor(), sleeping(), asio::use_future);
  std::this_thread::sleep_for(200ms);
  auto t0 = std::chrono::steady_clock::now();
  server.kill();
  ASSERT_EQ(fut.wait_for(2s), std::future_status::ready);
  EXPECT_LT(since(t0), 1s);
  auto r = fut.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::connection_lost);
}

TEST_F(redis_connection_auth, stop_completes_pending_commands_and_silences_callbacks) {
  // Its own io_context: once the test's work guard is gone and the connection stopped and
  // destroyed, the connection must leave nothing behind, so run() returns by itself.
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  auto c = std::make_unique<redis::connection>(io.get_executor(), make_config());
  event_counter up;
  std::atomic<int> after_stop{0};
  std::atomic<bool> stopped{false};
  c->on_connected([&] {
    if (stopped) ++after_stop;
    up.bump();
  });
  c->on_disconnected([&](const boost::system::error_code&, std::string_view) {
    if (stopped) ++after_stop;
  });
  c->start();
  std::thread t([&] { io.run(); });
  struct join_on_exit {
    asio::io_context& io;
    std::thread& t;
    ~join_on_exit() {
      io.stop();
      t.join();
    }
  } joiner{io, t};
  ASSERT_TRUE(up.wait_for(1, 5s));

  auto fut = asio::co_spawn(io, c->exec("DEBUG", "SLEEP", 1), asio::use_future);
  std::this_thread::sleep_for(100ms);
  auto t0 = std::chrono::steady_clock::now();
  c->stop();
  stopped = true;
  ASSERT_EQ(fut.wait_for(2s), std::future_status::ready);
  auto r = fut.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::stopped);
  EXPECT_LT(since(t0), 500ms);
  auto later = asio::co_spawn(io, c->exec("PING"), asio::use_future);
  ASSERT_EQ(later.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(later.get().error(), errc::stopped);

  c.reset();
  work.reset();
  // run() returns on its own: no timer, socket or coroutine of the connection is left.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(io.stopped()) << "io_context still has work after stop()";
  EXPECT_EQ(after_stop.load(), 0);
}

}  // namespace
}  // namespace seatd::test
