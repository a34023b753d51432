#pragma once
// A single-threaded io_context for the holds' scheduling parts, and gates their jobs wait on so
// a test decides when each one ends. Every wait is bounded: a broken part fails the test.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace seatd::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Runs the loop until `done()` or two seconds; answers done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(20ms);
  }
  return done();
}

// Runs whatever is ready or becomes ready within `d`.
inline void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

// Each wait() parks a coroutine until the test opens that gate (in order of arrival).
class gates {
 public:
  explicit gates(asio::io_context& io) : io_(io) {}
  asio::awaitable<void> wait() {
    auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::hours(1));
    timers_.push_back(t);
    auto [ec] = co_await t->async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
  }
  std::size_t waiting() const { return timers_.size() - opened_; }
  // Opens the oldest gate still closed.
  void open_next() {
    ASSERT_LT(opened_, timers_.size()) << "no coroutine waits at a gate";
    timers_[opened_++]->cancel();
  }

 private:
  asio::io_context& io_;
  std::vector<std::shared_ptr<asio::steady_timer>> timers_;
  std::size_t opened_ = 0;
};

}  // namespace seatd::test
