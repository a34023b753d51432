#include "domain/login_throttle.hpp"

namespace seatd {

bool login_throttle::allowed(const std::string& key, sys_ms now) {
  std::lock_guard lock(mutex_);
  prune(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) return true;
  if (now - it->second.window_start >= window_) {
    entries_.erase(it);
    return true;
  }
  return it->second.failures < max_failures_;
}

void login_throttle::record_failure(const std::string& key, sys_ms now) {
  std::lock_guard lock(mutex_);
  auto& e = entries_[key];
  if (e.failures == 0 || now - e.window_start >= window_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void login_throttle::record_success(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void login_throttle::prune(sys_ms now) {
  // Bounded memory under a spray of distinct keys: drop lapsed windows now and then.
  if (now < next_prune_) return;
  next_prune_ = now + window_;
  std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.window_start >= window_; });
}

}  // namespace seatd
