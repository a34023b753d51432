#pragma once
// Database connections handed out one caller at a time, shared by the SQLite and PostgreSQL
// stores. Connections are created on demand up to max_size; beyond that callers wait, at most
// acquire_timeout (then store_error: the HTTP layer answers 503 rather than hanging). Only the
// holder of a lease can reach its connection, so no connection is ever used by two threads at
// once. What differs per database comes in as hooks: how to open one, whether an idle one is
// still usable, and how to make a returned one safe for the next caller.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace seatd {

template <class Connection>
class connection_pool {
 public:
  struct hooks {
    std::function<std::unique_ptr<Connection>()> open;
    // An idle connection about to be handed out: false closes it and opens a new one.
    std::function<bool(Connection&)> usable = [](Connection&) { return true; };
    // A connection coming back: undo what its holder left (an open transaction); false when it
    // cannot be reused and must be closed. Must not throw.
    std::function<bool(Connection&)> recycle = [](Connection&) { return true; };
  };

  connection_pool(hooks h, std::size_t max_size, std::chrono::milliseconds acquire_timeout,
                  std::string what)
      : hooks_(std::move(h)),
        max_size_(max_size == 0 ? 1 : max_size),
        acquire_timeout_(acquire_timeout),
        what_(std::move(what)) {}
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  class lease {
   public:
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    lease(lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (conn_) pool_->give_back(std::move(conn_));
    }
    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }

   private:
    friend class connection_pool;
    lease(connection_pool* pool, std::unique_ptr<Connection> conn) noexcept
        : pool_(pool), conn_(std::move(conn)) {}
    connection_pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // A working connection: a usable idle one, or a new one. Throws store_error when none is
  // free within the timeout; whatever `open` throws when connecting fails.
  pool_stats stats() const {
    std::lock_guard lock(mutex_);
    pool_stats s = stats_;
    s.open = open_;
    s.max_size = max_size_;
    return s;
  }

  lease acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    if (idle_.empty() && open_ >= max_size_) ++stats_.waits;
    for (;;) {
      if (!returned_.wait_until(lock, deadline,
                                [&] { return !idle_.empty() || open_ < max_size_; })) {
        ++stats_.timeouts;
        throw store_error("no " + what_ + " connection free within " +
                          std::to_string(acquire_timeout_.count()) + " ms (pool of " +
                          std::to_string(max_size_) + ")");
      }
      if (idle_.empty()) break;
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (hooks_.usable(*conn)) return lease(this, std::move(conn));
      // Broken while idle (server restarted, backend terminated): close it, open another in
      // its slot.
      conn.reset();
      lock.lock();
      --open_;
    }
    ++open_;
    lock.unlock();
    try {
      return lease(this, hooks_.open());
    } catch (...) {
      lock.lock();
      --open_;
      ++stats_.open_failures;
      lock.unlock();
      returned_.notify_one();
      throw;
    }
  }

 private:
  void give_back(std::unique_ptr<Connection> conn) noexcept {
    if (!hooks_.recycle(*conn)) conn.reset();
    {
      std::lock_guard lock(mutex_);
      if (conn)
        idle_.push_back(std::move(conn));
      else
        --open_;
    }
    returned_.notify_one();
  }

  hooks hooks_;
  std::size_t max_size_;
  std::chrono::milliseconds acquire_timeout_;
  std::string what_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  pool_stats stats_;  // under mutex_
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
};

}  // namespace seatd
