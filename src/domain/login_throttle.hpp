#pragma once
// Slows password guessing: after `max_failures` failed logins for one key (an email, or a
// client address) within `window`, further attempts are refused until the window passes.
// Pure logic with an injected time; thread-safe.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"

namespace seatd {

class login_throttle {
 public:
  login_throttle(int max_failures, std::chrono::milliseconds window)
      : max_failures_(max_failures), window_(window) {}
  // False when the key has used up its failures in the current window.
  bool allowed(const std::string& key, sys_ms now);
  void record_failure(const std::string& key, sys_ms now);
  void record_success(const std::string& key);

 private:
  struct entry {
    int failures = 0;
    sys_ms window_start;
  };
  void prune(sys_ms now);

  int max_failures_;
  std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  sys_ms next_prune_{};
};

}  // namespace seatd
