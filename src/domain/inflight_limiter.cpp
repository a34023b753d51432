#include "domain/inflight_limiter.hpp"

namespace seatd {

inflight_limiter::ticket inflight_limiter::try_enter(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (per_key_ > 0) {
    auto it = counts_.find(key);
    if (it == counts_.end()) {
      if (counts_.size() >= max_keys_) return {};
      it = counts_.emplace(key, 0).first;
    }
    if (it->second >= per_key_) return {};
    ++it->second;
  }
  return ticket(this, key);
}

void inflight_limiter::leave(const std::string& key) {
  if (per_key_ == 0) return;
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

std::size_t inflight_limiter::in_flight(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

std::size_t inflight_limiter::keys() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace seatd
