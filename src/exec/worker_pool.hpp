#pragma once
// The bounded pool that runs blocking work (database, password hashing, file import) off the
// I/O threads. A coroutine `co_await pool.run(fn)` suspends, fn runs on a worker thread, and the
// coroutine resumes on its own executor (its strand) with fn's result. When more than
// `queue_limit` jobs wait, run() fails fast with errc::busy instead of queueing without bound.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <optional>
#include <type_traits>
#include <variant>

#include "domain/errc.hpp"

namespace seatd {

// Thrown by worker_pool::run when the queue is full; the HTTP layer maps it to 503.
struct pool_busy : unavailable_error {
  pool_busy() : unavailable_error("worker pool saturated") {}
};

class worker_pool {
 public:
  worker_pool(int threads, std::size_t queue_limit) : pool_(threads), limit_(queue_limit) {}
  ~worker_pool() { stop(); }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  // Runs f() on a worker; resumes the caller on its executor. Exceptions thrown by f
  // propagate to the awaiting coroutine. For a void f the awaitable yields std::monostate.
  //
  // Deliberately not a coroutine itself: it returns the awaitable that async_initiate makes,
  // so `f` never becomes a by-value coroutine parameter. Callers: capture by reference (the
  // awaiting frame outlives the job); GCC 12 destroys a temporary that owns memory inside a
  // co_await expression twice, so never init-capture a string or container into the lambda.
  template <class F>
  auto run(F f) {
    using R = std::invoke_result_t<F>;
    using value_type = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
    if (pending_.fetch_add(1) >= limit_) {
      pending_.fetch_sub(1);
      rejected_.fetch_add(1, std::memory_order_relaxed);
      throw pool_busy{};
    }
    auto initiate = [this](auto handler, F f) {
      auto ex = boost::asio::get_associated_executor(handler);
      boost::asio::post(pool_, [this, f = std::move(f), handler = std::move(handler),
                                ex]() mutable {
        std::exception_ptr error;
        std::optional<value_type> value;
        try {
          if constexpr (std::is_void_v<R>) {
            f();
            value.emplace();
          } else {
            value.emplace(f());
          }
        } catch (...) {
          error = std::current_exception();
        }
        pending_.fetch_sub(1);
        boost::asio::post(ex, [handler = std::move(handler), error,
                               value = std::move(value)]() mutable {
          handler(error, value ? std::move(*value) : value_type{});
        });
      });
    };
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                       void(std::exception_ptr, value_type)>(
        initiate, boost::asio::use_awaitable, std::move(f));
  }

  // Jobs queued or running; jobs refused because the queue was full (read by the metrics).
  std::size_t pending() const { return pending_.load(); }
  std::size_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  std::size_t queue_limit() const { return limit_; }
  void stop() {
    pool_.stop();
    pool_.join();
  }

 private:
  boost::asio::thread_pool pool_;
  std::size_t limit_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> rejected_{0};
};

}  // namespace seatd
