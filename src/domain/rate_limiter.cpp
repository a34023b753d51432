#include "domain/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace seatd {

bool rate_limiter::try_take(const std::string& key, sys_ms now,
                            std::chrono::seconds* retry_after) {
  if (opts_.per_minute <= 0) return true;
  const double capacity = std::max(1, opts_.burst);
  const double per_ms = opts_.per_minute / 60'000.0;
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    if (index_.size() >= std::max<std::size_t>(1, opts_.max_keys)) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(bucket{key, capacity, now});
    found = index_.emplace(key, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, found->second);
  }
  bucket& b = *found->second;
  auto elapsed = std::max<std::int64_t>(0, (now - b.last).count());
  b.tokens = std::min(capacity, b.tokens + double(elapsed) * per_ms);
  b.last = std::max(b.last, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after) {
    auto ms = (1.0 - b.tokens) / per_ms;
    *retry_after = std::chrono::seconds(std::max<std::int64_t>(1, std::int64_t(std::ceil(ms / 1000.0))));
  }
  return false;
}

std::size_t rate_limiter::size() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace seatd
