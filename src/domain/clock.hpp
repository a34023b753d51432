#pragma once
// Time is injected: every rule reads "now" from a clock passed in, so tests control it.
#include <atomic>
#include <chrono>

namespace seatd {

using sys_ms = std::chrono::sys_time<std::chrono::milliseconds>;

class clock {
 public:
  virtual ~clock() = default;
  virtual sys_ms now() const = 0;
};

class system_clock final : public clock {
 public:
  sys_ms now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock tests set by hand.
class manual_clock final : public clock {
 public:
  explicit manual_clock(sys_ms start = sys_ms{std::chrono::milliseconds{1'800'000'000'000}})
      : now_(start.time_since_epoch().count()) {}
  sys_ms now() const override { return sys_ms{std::chrono::milliseconds{now_.load()}}; }
  void set(sys_ms t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::milliseconds d) { now_ += d.count(); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace seatd
