// single_flight: at most one run per key in progress and one queued; every answer at least as
// new as its call; a run that throws.
#include "holds/single_flight.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <optional>
#include <stdexcept>

#include "holds_test_loop.hpp"

namespace seatd {
namespace {

using namespace seatd::test;

struct fixture {
  asio::io_context io;
  gates gate{io};
  single_flight<int, int> flights;
  int runs = 0;
  bool throw_next = false;

  // A run answers its own number, once its gate opens.
  asio::awaitable<int> work() {
    int mine = ++runs;
    co_await gate.wait();
    if (throw_next) throw std::runtime_error("boom");
    co_return mine;
  }

  // Starts a caller of `key`; its answer (or -2 for an exception) lands in `out`.
  void call(int key, std::optional<int>& out) {
    asio::co_spawn(
        io,
        [this, key, &out]() -> asio::awaitable<void> {
          try {
            auto flight = flights.run(key, [this] { return work(); }, -1);
            out = co_await std::move(flight);
          } catch (const std::runtime_error&) {
            out = -2;
          }
        },
        asio::detached);
  }
};

TEST(single_flight, callers_during_a_run_share_the_next_run_not_the_current_one) {
  fixture f;
  std::optional<int> a, b, c, d;
  f.call(1, a);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.call(1, b);
  f.call(1, c);
  f.call(1, d);
  run_for(f.io, 20ms);
  EXPECT_EQ(f.runs, 1) << "the queued run starts only when the running one ends";
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return a && f.gate.waiting() == 1; }));
  EXPECT_EQ(*a, 1);
  EXPECT_FALSE(b || c || d) << "they asked after run 1 began: its answer may predate them";
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return b && c && d; }));
  EXPECT_EQ(*b, 2);
  EXPECT_EQ(*c, 2);
  EXPECT_EQ(*d, 2);
  EXPECT_EQ(f.runs, 2);
  EXPECT_EQ(f.flights.size(), 0u) << "a key with nothing in flight is forgotten";
}

TEST(single_flight, keys_do_not_wait_for_each_other) {
  fixture f;
  std::optional<int> a, b;
  f.call(1, a);
  f.call(2, b);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 2; }));
  EXPECT_EQ(f.flights.size(), 2u);
  f.gate.open_next();
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return a && b; }));
  EXPECT_EQ(f.runs, 2);
  EXPECT_EQ(f.flights.size(), 0u);
}

TEST(single_flight, a_run_that_throws_gives_its_joiners_the_failed_value) {
  fixture f;
  std::optional<int> a, b, c;
  f.call(1, a);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.call(1, b);  // leads the queued run
  f.call(1, c);  // joins it
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return a && f.gate.waiting() == 1; }));
  f.throw_next = true;
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return b && c; }));
  EXPECT_EQ(*b, -2) << "the caller whose run threw sees the exception";
  EXPECT_EQ(*c, -1) << "a joiner gets the failed value";
  EXPECT_EQ(f.flights.size(), 0u);
  // The key works again afterwards.
  f.throw_next = false;
  std::optional<int> e;
  f.call(1, e);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return e.has_value(); }));
  EXPECT_EQ(*e, 3);
}

}  // namespace
}  // namespace seatd
