#pragma once
// A distribution over fixed buckets (Prometheus "histogram"), chosen at registration: the series
// are known up front, and an observation is a short scan of the bounds and two relaxed adds.
// Buckets are kept per bucket (not cumulative) and summed at scrape time, and the count is the
// sum of the buckets: a scrape racing an observation can miss it, but never shows a count that
// disagrees with its buckets.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace seatd::metrics {

// Upper bounds in seconds for request-like latencies: 0.5 ms .. 10 s.
std::vector<double> latency_buckets();

class histogram {
 public:
  // bounds: finite, strictly increasing upper bounds; the +Inf bucket is implied. Throws
  // std::invalid_argument otherwise (a startup bug).
  explicit histogram(std::vector<double> bounds);

  void observe(double v) noexcept;

  struct snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  snapshot read() const;
  std::span<const double> bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

}  // namespace seatd::metrics
