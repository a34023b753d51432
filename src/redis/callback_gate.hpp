#pragma once
// Runs user callbacks only until close(), and makes close() wait for a callback running on
// another thread. That is what lets stop() promise: once it returns, no callback runs.
// Recursive, so a callback may itself call stop() (close() from inside a callback).
#include <mutex>
#include <utility>

namespace seatd::redis::detail {

class callback_gate {
 public:
  // Callbacks must not throw: invoke() is noexcept, so an escaping exception terminates, the
  // same contract as a destructor. Swallowing it would hide a bug; propagating it would kill
  // the client's I/O loop silently.
  template <class F, class... Args>
  void invoke(const F& f, Args&&... args) noexcept {
    std::lock_guard lock(mutex_);
    if (!closed_ && f) f(std::forward<Args>(args)...);
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }

 private:
  std::recursive_mutex mutex_;
  bool closed_ = false;
};

}  // namespace seatd::redis::detail
