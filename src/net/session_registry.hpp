#pragma once
// The single owner of every live connection's lifetime: sessions register on start and
// unregister on exit; stop_all() asks each to stop (idle ones close at once, busy ones after
// their current response), and wait_empty() lets shutdown wait with a deadline.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace seatd::net {

class stoppable {
 public:
  virtual ~stoppable() = default;
  // Thread-safe: posts the stop to the session's own strand.
  virtual void stop() = 0;
};

class session_registry {
 public:
  std::uint64_t add(std::weak_ptr<stoppable> s);
  void remove(std::uint64_t id);
  void stop_all();
  // True when every session is gone before the deadline.
  bool wait_empty(std::chrono::steady_clock::time_point deadline);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::unordered_map<std::uint64_t, std::weak_ptr<stoppable>> sessions_;
  std::uint64_t next_id_ = 1;
};

}  // namespace seatd::net
