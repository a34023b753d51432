#include "domain/sale_window.hpp"

namespace seatd {

bool has_departed(local_time departure, local_time now) { return departure <= now; }

boost::system::error_code sale_window(local_time departure, local_time now,
                                      std::chrono::minutes cutoff) {
  if (has_departed(departure, now)) return errc::trip_departed;
  if (now >= departure - cutoff) return errc::booking_closed;
  return {};
}

boost::system::error_code sale_window(local_time departure, const clock& clk,
                                      std::chrono::minutes cutoff) {
  return sale_window(departure, to_local(clk.now()), cutoff);
}

}  // namespace seatd
