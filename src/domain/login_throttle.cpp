#include "domain/login_throttle.hpp"

#include <algorithm>

namespace seatd {

login_throttle::login_throttle(throttle_policy policy) : policy_(policy) {
  policy_.max_keys = std::max<std::size_t>(policy_.max_keys, 1);
  policy_.max_attempts = std::max(policy_.max_attempts, 1);
}

admission login_throttle::acquire(const std::string& key, sys_ms now) {
  using std::chrono::milliseconds;
  std::lock_guard lock(mutex_);
  prune(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= policy_.max_keys) {
      // Full: forget the key used longest ago. An attacker spraying keys can only evict
      // state this way; the per-client throttle bounds how many keys one client can make.
      entries_.erase(lru_.front());
      lru_.pop_front();
    }
    lru_.push_back(key);
    it = entries_.emplace(key, entry{0, now, sys_ms{}, std::prev(lru_.end())}).first;
  } else {
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  entry& e = it->second;
  if (now - e.window_start >= policy_.window) {
    e.attempts = 0;
    e.window_start = now;
  }
  if (e.attempts >= policy_.max_attempts)
    return {false, std::chrono::duration_cast<milliseconds>(e.window_start + policy_.window - now)};
  if (now < e.next_allowed)
    return {false, std::chrono::duration_cast<milliseconds>(e.next_allowed - now)};
  ++e.attempts;
  if (e.attempts > policy_.free_attempts) {
    // 1st delayed attempt waits first_delay before the next, then 2x, 4x ... up to max_delay.
    const int doublings = std::min(e.attempts - policy_.free_attempts - 1, 30);
    const auto delay = std::min<milliseconds>(policy_.first_delay * (std::int64_t{1} << doublings),
                                              policy_.max_delay);
    e.next_allowed = now + delay;
  }
  return {true, milliseconds{0}};
}

void login_throttle::refund(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end() && it->second.attempts > 0)
    --it->second.attempts;
}

void login_throttle::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
}

std::size_t login_throttle::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void login_throttle::prune(sys_ms now) {
  // Lapsed windows are dropped now and then (a walk of the map, so at most once a window).
  if (now < next_prune_) return;
  next_prune_ = now + policy_.window;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const entry& e = it->second;
    if (now - e.window_start >= policy_.window && now >= e.next_allowed) {
      lru_.erase(e.lru);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace seatd
