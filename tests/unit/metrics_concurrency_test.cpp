// Metrics are updated from every I/O and worker thread at once with relaxed atomics: no
// increment may be lost, a histogram's count always equals its +Inf bucket, and two threads
// meeting a new code at the same moment share one place (never two series of one code).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"

namespace seatd::metrics {
namespace {

constexpr int threads = 4;
constexpr int per_thread = 100'000;

TEST(metrics_concurrency, no_increment_is_lost) {
  registry r;
  auto& c = r.add_counter("seatd_c_total", "C.");
  auto& g = r.add_gauge("seatd_g", "G.");
  auto& h = r.add_histogram("seatd_h_seconds", "H.", {0.5});
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        g.inc();
        g.dec(2);
        h.observe(i % 2 ? 1.0 : 0.25);
      }
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(c.value(), std::uint64_t(threads) * per_thread);
  EXPECT_EQ(g.value(), -std::int64_t(threads) * per_thread);
  auto s = h.read();
  EXPECT_EQ(s.count, std::uint64_t(threads) * per_thread);
  EXPECT_EQ(s.cumulative[0], std::uint64_t(threads) * per_thread / 2);
  EXPECT_DOUBLE_EQ(s.sum, threads * (per_thread / 2) * 1.25);
}

TEST(metrics_concurrency, threads_meeting_new_codes_share_their_places) {
  code_counters codes;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) codes.inc(200 + i % 8);
    });
  for (auto& t : pool) t.join();
  std::vector<std::string> seen;
  std::uint64_t total = 0;
  codes.for_each([&](std::string_view code, std::uint64_t n) {
    seen.emplace_back(code);
    total += n;
    EXPECT_EQ(n, std::uint64_t(threads) * per_thread / 8) << code;
  });
  EXPECT_EQ(seen.size(), 8u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(total, std::uint64_t(threads) * per_thread);
}

}  // namespace
}  // namespace seatd::metrics
