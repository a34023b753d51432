// The anti-hoarding rules hold across seatd instances sharing one Redis (issue 11): each rule
// lives in Redis (the trip's keys, and the account's own key for the cap across trips), not in
// an instance, so several instances allow no more than one.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "holds/redis_engine.hpp"
#include "integration/redis_test_server.hpp"
#include "integration/redis_test_support.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::io_runner;
using test::redis_test_server;

class redis_hoarding : public ::testing::Test {
 protected:
  std::unique_ptr<redis_engine> make(hold_policy policy) {
    redis_engine::options opts;
    opts.redis = redis_engine::redis_engine_config(server_.url());
    auto e = std::make_unique<redis_engine>(io_.executor(), clk_, policy, opts,
                                            [this](const seat_event& ev) {
                                              std::lock_guard lock(m_);
                                              if (ev.kind == seat_event_kind::expired) ++expired_;
                                              cv_.notify_all();
                                            });
    e->start();
    return e;
  }
  template <class T>
  T run(asio::awaitable<T> a) {
    return io_.run(std::move(a));
  }
  bool wait_expired(int n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 5s, [&] { return expired_ >= n; });
  }

  redis_test_server server_;
  io_runner io_{2};
  system_clock clk_;
  std::mutex m_;
  std::condition_variable cv_;
  int expired_ = 0;
};

TEST_F(redis_hoarding, the_account_cap_counts_holds_taken_through_every_instance) {
  hold_policy p{300s, 6};
  p.max_per_account = 12;
  auto a = make(p), b = make(p);
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(a->take(1, s, 100)));
  for (int s = 1; s <= 6; ++s) ASSERT_TRUE(run(b->take(2, s, 100)));
  for (auto* e : {a.get(), b.get()}) {
    auto r = run(e->take(3, 1, 100));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::account_hold_limit);
  }
  EXPECT_EQ(*run(b->release(1, 1, 100)), true);  // released through the other instance
  EXPECT_TRUE(run(a->take(3, 1, 100)));
  a->stop();
  b->stop();
}

TEST_F(redis_hoarding, lifetime_and_cool_down_do_not_depend_on_the_instance) {
  hold_policy p{300ms, 6};
  p.max_lifetime = 500ms;
  p.cooldown = 30s;
  auto a = make(p), b = make(p);
  auto first = run(a->take(1, 7, 100));
  ASSERT_TRUE(first);
  const auto cap = first->expires_at - 300ms + 500ms;
  std::this_thread::sleep_for(250ms);
  auto renewed = run(b->take(1, 7, 100));  // renewed through the other instance
  ASSERT_TRUE(renewed);
  EXPECT_EQ(renewed->expires_at, cap);
  ASSERT_TRUE(wait_expired(1));
  auto again = run(b->take(1, 7, 100));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), errc::hold_cooldown);
  EXPECT_TRUE(run(a->take(1, 7, 200)));
  a->stop();
  b->stop();
}

}  // namespace
}  // namespace seatd
