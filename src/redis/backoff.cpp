#include "redis/backoff.hpp"

#include <algorithm>

namespace seatd::redis {

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, unsigned attempt,
                                        double unit) noexcept {
  using ms = std::chrono::milliseconds;
  const ms::rep cap = std::max<ms::rep>(policy.max.count(), 0);
  // At least 1 ms, or doubling would never leave 0 (a tight reconnect loop).
  ms::rep base = std::clamp<ms::rep>(policy.initial.count(), std::min<ms::rep>(1, cap), cap);
  // Double without overflowing: stop as soon as the cap is reached.
  for (unsigned i = 0; i < attempt && base < cap; ++i) base = std::min(cap, base * 2);
  const double j = std::clamp(policy.jitter, 0.0, 1.0);
  const double u = std::clamp(unit, 0.0, 1.0);
  return ms(static_cast<ms::rep>(static_cast<double>(base) * (1.0 - j * u)));
}

}  // namespace seatd::redis
