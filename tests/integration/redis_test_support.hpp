#pragma once
// Threads, bounded waits and collectors for the Redis integration tests. Every wait has a
// deadline: a broken client fails the test instead of hanging it.
#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "redis/errc.hpp"
#include "redis/subscriber.hpp"

namespace seatd::test {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// An io_context run by its own threads for the life of the test.
class io_runner {
 public:
  explicit io_runner(int threads = 2) : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        io_.run();
        std::lock_guard lock(m_);
        ++finished_;
        cv_.notify_all();
      });
    }
  }
  // Drains before stopping: a client's stop() is posted to its strand, and only running it
  // completes the operations still waiting on that client. Stopping the io_context first
  // would destroy the posted stop unrun and leave those waiters (and the client they keep
  // alive) in a cycle that LeakSanitizer rightly reports. A client that never finishes its
  // work is cut off after the deadline instead of hanging the test.
  ~io_runner() {
    work_.reset();
    {
      std::unique_lock lock(m_);
      cv_.wait_for(lock, 5s, [&] { return finished_ == threads_.size(); });
    }
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  io_runner(const io_runner&) = delete;
  io_runner& operator=(const io_runner&) = delete;

  asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs a coroutine on a new strand of the io_context and returns its value; throws if it
  // takes longer than `timeout` (the coroutine is abandoned to the io_context's shutdown).
  template <class T>
  T run(asio::awaitable<T> aw, std::chrono::milliseconds timeout = 10s) {
    auto fut = asio::co_spawn(asio::make_strand(io_), std::move(aw), asio::use_future);
    if (fut.wait_for(timeout) != std::future_status::ready) {
      throw std::runtime_error("coroutine did not finish within " +
                               std::to_string(timeout.count()) + " ms");
    }
    if constexpr (std::is_void_v<T>) {
      fut.get();
    } else {
      return fut.get();
    }
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t finished_ = 0;
};

// Counts callback invocations; waits for a count with a deadline.
class event_counter {
 public:
  // Notifies under the lock: a waiter that returns may destroy the counter at once.
  void bump() {
    std::lock_guard lock(m_);
    ++n_;
    cv_.notify_all();
  }
  int value() {
    std::lock_guard lock(m_);
    return n_;
  }
  bool wait_for(int at_least, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return n_ >= at_least; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int n_ = 0;
};

// Collects subscriber messages.
class message_log {
 public:
  void add(const redis::message& m) {
    std::lock_guard lock(m_);
    messages_.push_back(m);
    cv_.notify_all();
  }
  bool wait_for(std::size_t at_least, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= at_least; });
  }
  std::vector<redis::message> snapshot() {
    std::lock_guard lock(m_);
    return messages_;
  }
  std::size_t size() {
    std::lock_guard lock(m_);
    return messages_.size();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<redis::message> messages_;
};

// A value written by a callback thread and read by the test thread.
template <class T>
class guarded {
 public:
  void set(T v) {
    std::lock_guard lock(m_);
    v_ = std::move(v);
  }
  T get() {
    std::lock_guard lock(m_);
    return v_;
  }

 private:
  std::mutex m_;
  T v_{};
};

inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
}

}  // namespace seatd::test
