// connection_pool: the bounded pool both stores hand their database connections out of. It
// opens at most max_size, a caller beyond that waits for a returned one (or gets store_error:
// the HTTP layer's 503, never a hang), a returned connection is reused, and the hooks replace
// a connection that broke while idle or could not be cleaned after use. Fake connections: no
// database, and no timed assertion (a waiting caller is released by a return, not by a clock).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "store/connection_pool.hpp"

namespace seatd {
namespace {

struct fake_connection {
  int id = 0;
  bool broken = false;
  bool dirty = false;
};

using pool_type = connection_pool<fake_connection>;

class connection_pool_test : public ::testing::Test {
 protected:
  std::atomic<int> opened{0};
  pool_type::hooks hooks() {
    pool_type::hooks h;
    h.open = [this] {
      auto c = std::make_unique<fake_connection>();
      c->id = ++opened;
      return c;
    };
    return h;
  }
};

TEST_F(connection_pool_test, opens_at_most_max_size_then_refuses_when_none_is_free) {
  pool_type pool(hooks(), 2, std::chrono::milliseconds(0), "test");
  auto a = pool.acquire();
  auto b = pool.acquire();
  EXPECT_NE(a->id, b->id);
  EXPECT_THROW(pool.acquire(), store_error);
  EXPECT_EQ(opened, 2);
}

TEST_F(connection_pool_test, a_returned_connection_is_reused_not_reopened) {
  pool_type pool(hooks(), 2, std::chrono::milliseconds(0), "test");
  int first = 0;
  {
    auto a = pool.acquire();
    first = a->id;
  }
  auto again = pool.acquire();
  EXPECT_EQ(again->id, first);
  EXPECT_EQ(opened, 1);
}

TEST_F(connection_pool_test, a_caller_beyond_the_bound_waits_for_a_return) {
  // A long timeout: the waiting caller must be woken by the return, not by the deadline (if
  // the return did not wake it, it would throw after a minute and the test would fail).
  pool_type pool(hooks(), 1, std::chrono::minutes(1), "test");
  std::optional<pool_type::lease> held(pool.acquire());
  const int id = (*held)->id;
  std::promise<void> about_to_wait;
  auto waiter = std::async(std::launch::async, [&] {
    about_to_wait.set_value();
    auto l = pool.acquire();  // blocks while `held` is out
    return l->id;
  });
  about_to_wait.get_future().wait();
  held.reset();  // returned: the waiter gets this very connection
  EXPECT_EQ(waiter.get(), id);
  EXPECT_EQ(opened, 1);
}

TEST_F(connection_pool_test, a_connection_that_cannot_be_recycled_is_closed_and_its_slot_freed) {
  auto h = hooks();
  h.recycle = [](fake_connection& c) { return !c.dirty; };
  pool_type pool(std::move(h), 1, std::chrono::milliseconds(0), "test");
  {
    auto a = pool.acquire();
    a->dirty = true;  // e.g. a transaction that could not be rolled back
  }
  auto b = pool.acquire();  // the slot is free again: a new connection, not the dirty one
  EXPECT_EQ(b->id, 2);
  EXPECT_FALSE(b->dirty);
}

TEST_F(connection_pool_test, an_idle_connection_that_broke_is_replaced_on_acquire) {
  auto h = hooks();
  h.usable = [](fake_connection& c) { return !c.broken; };
  pool_type pool(std::move(h), 1, std::chrono::milliseconds(0), "test");
  {
    auto a = pool.acquire();
    a->broken = true;  // e.g. the server restarted while it sat idle
  }
  auto b = pool.acquire();
  EXPECT_EQ(b->id, 2);
  EXPECT_EQ(opened, 2);
}

TEST_F(connection_pool_test, a_failed_open_gives_its_slot_back) {
  bool fail = true;
  pool_type::hooks h;
  h.open = [&]() -> std::unique_ptr<fake_connection> {
    if (fail) throw std::runtime_error("connection refused");
    return std::make_unique<fake_connection>();
  };
  pool_type pool(std::move(h), 1, std::chrono::milliseconds(0), "test");
  EXPECT_THROW(pool.acquire(), std::runtime_error);
  fail = false;
  EXPECT_NO_THROW(pool.acquire());  // the failed open did not keep the only slot
}

TEST_F(connection_pool_test, a_moved_lease_returns_its_connection_once) {
  pool_type pool(hooks(), 1, std::chrono::milliseconds(0), "test");
  {
    auto a = pool.acquire();
    pool_type::lease b(std::move(a));
    EXPECT_EQ(b->id, 1);
  }  // both destroyed: one return
  auto c = pool.acquire();
  EXPECT_EQ(c->id, 1);
  EXPECT_THROW(pool.acquire(), store_error);  // still one connection, held by c
}

}  // namespace
}  // namespace seatd
