// When a trip may be held, booked or cancelled: before departure, outside the cut-off.
#include <gtest/gtest.h>

#include "domain/sale_window.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;

local_time at(const char* iso) { return *parse_iso(iso); }

TEST(sale_window, open_until_departure_without_a_cutoff) {
  auto dep = at("2026-11-30T21:00:00");
  EXPECT_FALSE(sale_window(dep, at("2026-11-30T20:59:59"), 0min));
  EXPECT_EQ(sale_window(dep, at("2026-11-30T21:00:00"), 0min), errc::trip_departed);
  EXPECT_EQ(sale_window(dep, at("2026-12-04T10:00:00"), 0min), errc::trip_departed);
  EXPECT_TRUE(has_departed(dep, at("2026-11-30T21:00:00")));
  EXPECT_FALSE(has_departed(dep, at("2026-11-30T20:59:59")));
}

TEST(sale_window, the_cutoff_closes_sales_before_departure) {
  auto dep = at("2026-11-30T21:00:00");
  EXPECT_FALSE(sale_window(dep, at("2026-11-30T20:44:59"), 15min));
  EXPECT_EQ(sale_window(dep, at("2026-11-30T20:45:00"), 15min), errc::booking_closed);
  EXPECT_EQ(sale_window(dep, at("2026-11-30T20:59:59"), 15min), errc::booking_closed);
  EXPECT_EQ(sale_window(dep, at("2026-11-30T21:00:00"), 15min), errc::trip_departed);
}

TEST(sale_window, reads_now_from_the_injected_clock_as_local_time) {
  manual_clock clk;
  auto now_local = to_local(clk.now());
  EXPECT_EQ(sale_window(now_local, clk, 0min), errc::trip_departed);
  EXPECT_FALSE(sale_window(now_local + 1h, clk, 0min));
  EXPECT_EQ(sale_window(now_local + 1h, clk, 61min), errc::booking_closed);
  clk.advance(2h);
  EXPECT_EQ(sale_window(now_local + 1h, clk, 0min), errc::trip_departed);
}

}  // namespace
}  // namespace seatd
