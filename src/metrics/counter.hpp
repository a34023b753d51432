#pragma once
// A monotonically increasing count (Prometheus "counter"). Increments are relaxed atomics: the
// hot path pays one uncontended-cache-line add, and a scrape only needs each value on its own,
// never ordered against others.
#include <atomic>
#include <cstdint>

namespace seatd::metrics {

class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace seatd::metrics
