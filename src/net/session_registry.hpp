#pragma once
// The single owner of every live connection's lifetime: sessions register on start and
// unregister on exit; stop_all() asks each to stop (idle ones close at once, busy ones after
// their current response), and wait_empty() lets shutdown wait with a deadline. A session
// added after stop_all() (accepted just before the listener closed) is stopped at once, so
// shutdown does not wait its whole deadline for a connection nobody asked to stop.
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
  // Registers a live session; after stop_all(), also calls its stop() (outside the lock).
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
  bool stopping_ = false;
};

}  // namespace seatd::net
