#pragma once
// The owner of background coroutines. co_spawn(..., detached) leaves a task owned by nothing:
// nobody can stop it or wait for it, and an exception that ends it vanishes (an accept loop
// that throws would silently stop accepting). A task spawned here is counted until it ends;
// its exception is logged with the task's name and handed to an optional handler (which may,
// say, restart it); stop() asks every task to end (terminal cancellation of the operation it
// awaits) and wait() lets shutdown wait for them with a deadline. Thread-safe.
// Destroy a group only after wait() returned true or its executors stopped for good.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace seatd::exec {

class task_group {
 public:
  using error_handler = std::function<void(std::exception_ptr)>;

  task_group() = default;
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;

  // Runs `task` on `ex` (use a strand for a task that shares state with handlers).
  void spawn(boost::asio::any_io_executor ex, boost::asio::awaitable<void> task, std::string name,
             error_handler on_error = {}) {
    auto t = std::make_shared<entry>();
    t->ex = ex;
    std::uint64_t id;
    {
      std::lock_guard lock(mutex_);
      id = next_id_++;
      tasks_.emplace(id, t);
    }
    // `t` rides along so its signal outlives the operation bound to it.
    auto done = [this, id, t, name = std::move(name),
                 on_error = std::move(on_error)](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("task {} ended by exception: {}", name, ex.what());
        } catch (...) {
          spdlog::error("task {} ended by an unknown exception", name);
        }
        if (on_error) on_error(e);
      }
      std::lock_guard lock(mutex_);
      tasks_.erase(id);
      if (tasks_.empty()) empty_.notify_all();
    };
    boost::asio::co_spawn(ex, std::move(task),
                          boost::asio::bind_cancellation_slot(t->signal.slot(), std::move(done)));
  }

  // Asks every running task to end: cancels the operation each awaits (on its own executor).
  void stop() {
    std::lock_guard lock(mutex_);
    for (auto& entry : tasks_) {
      auto t = entry.second;  // a copy: clang 14 cannot capture a structured binding
      boost::asio::post(t->ex, [t] { t->signal.emit(boost::asio::cancellation_type::terminal); });
    }
  }

  // True when every task has ended before the deadline.
  bool wait(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return empty_.wait_until(lock, deadline, [&] { return tasks_.empty(); });
  }

  std::size_t running() const {
    std::lock_guard lock(mutex_);
    return tasks_.size();
  }

 private:
  struct entry {
    boost::asio::cancellation_signal signal;
    boost::asio::any_io_executor ex;
  };
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::map<std::uint64_t, std::shared_ptr<entry>> tasks_;
  std::uint64_t next_id_ = 1;
};

}  // namespace seatd::exec
