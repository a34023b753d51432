#pragma once
// Counters keyed by a small integer learnt at run time (an HTTP status), with a fixed number
// of places: the first `places` distinct codes get a series each, any further code is counted
// under "other". That bounds the series whatever codes appear, and the hot path stays
// lock-free: a code's place is claimed once with a compare-and-swap, then found by a short
// scan (most routes answer with two or three codes).
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

namespace seatd::metrics {

class code_counters {
 public:
  static constexpr std::size_t places = 16;

  // code: > 0 (0 marks a free place); anything else is counted under "other".
  void inc(int code) noexcept;
  // Every code seen with its count, then ("other", n) when codes beyond the places arrived.
  void for_each(const std::function<void(std::string_view code, std::uint64_t n)>& f) const;

 private:
  struct place {
    std::atomic<int> code{0};
    std::atomic<std::uint64_t> count{0};
  };
  std::array<place, places> places_;
  std::atomic<std::uint64_t> other_{0};
};

}  // namespace seatd::metrics
