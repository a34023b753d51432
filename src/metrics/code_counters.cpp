#include "metrics/code_counters.hpp"

#include <string>

namespace seatd::metrics {

void code_counters::inc(int code) noexcept {
  if (code > 0) {
    for (auto& p : places_) {
      int seen = p.code.load(std::memory_order_acquire);
      if (seen == 0) {  // free: claim it, or learn which code another thread claimed it for
        int expected = 0;
        seen = p.code.compare_exchange_strong(expected, code, std::memory_order_acq_rel) ? code
                                                                                         : expected;
      }
      if (seen == code) {
        p.count.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
  }
  other_.fetch_add(1, std::memory_order_relaxed);
}

void code_counters::for_each(const std::function<void(std::string_view, std::uint64_t)>& f) const {
  for (const auto& p : places_) {
    int code = p.code.load(std::memory_order_acquire);
    if (code == 0) break;  // places are claimed in order: none after a free one
    f(std::to_string(code), p.count.load(std::memory_order_relaxed));
  }
  if (auto n = other_.load(std::memory_order_relaxed); n > 0) f("other", n);
}

}  // namespace seatd::metrics
