#include "domain/delivery_policy.hpp"

#include <algorithm>
#include <cmath>

namespace seatd {

std::chrono::milliseconds backoff_ceiling(const delivery_policy& p, int attempt) {
  const auto cap = std::max(p.retry_cap, std::chrono::milliseconds{0});
  auto delay = std::clamp(p.retry_base, std::chrono::milliseconds{0}, cap);
  // Doubling stops at the cap, so a large attempt count cannot overflow.
  for (int n = 1; n < attempt && delay < cap; ++n) delay = std::min(cap, delay * 2);
  return delay;
}

std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling, double uniform01) {
  if (ceiling <= std::chrono::milliseconds{0}) return std::chrono::milliseconds{0};
  if (!(uniform01 >= 0.0)) uniform01 = 0.0;  // NaN too
  if (uniform01 >= 1.0) return ceiling;
  const auto ms = static_cast<std::int64_t>(
      std::floor(uniform01 * static_cast<double>(ceiling.count() + 1)));
  return std::chrono::milliseconds{std::min<std::int64_t>(ms, ceiling.count())};
}

std::optional<sys_ms> retry_at(const delivery_policy& p, int attempt, bool retryable, sys_ms now,
                               double uniform01) {
  if (!retryable) return std::nullopt;
  if (attempt >= p.max_attempts) return std::nullopt;
  return now + full_jitter(backoff_ceiling(p, attempt), uniform01);
}

}  // namespace seatd
