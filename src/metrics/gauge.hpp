#pragma once
// A value that goes up and down (Prometheus "gauge"), kept as an integer: what seatd maintains on
// its own hot paths are counts (open connections, states). Values that are cheap to read at
// scrape time are better registered as callbacks (registry::add_gauge_callback) than kept here.
#include <atomic>
#include <cstdint>

namespace seatd::metrics {

class gauge {
 public:
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

}  // namespace seatd::metrics
