#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>

namespace seatd::metrics {

namespace {

double cpu_seconds() {
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// /proc/self/statm: total program size and resident set, in pages. NaN when unreadable (not
// Linux): Prometheus shows a gap rather than a false zero.
double statm_bytes(int field) {
  std::ifstream f("/proc/self/statm");
  double pages[2] = {};
  if (!(f >> pages[0] >> pages[1])) return std::numeric_limits<double>::quiet_NaN();
  return pages[field] * double(::sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  // The iterator's own descriptor was one of them.
  return ec ? std::numeric_limits<double>::quiet_NaN() : n - 1;
}

double max_fds() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return std::numeric_limits<double>::quiet_NaN();
  return lim.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity()
                                       : double(lim.rlim_cur);
}

}  // namespace

void add_process_metrics(registry& r) {
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.add_counter_callback("process_cpu_seconds_total",
                         "Total user and system CPU time spent in seconds.", {}, cpu_seconds);
  r.add_gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                       [] { return statm_bytes(1); });
  r.add_gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
                       [] { return statm_bytes(0); });
  r.add_gauge_callback("process_open_fds", "Number of open file descriptors.", {}, open_fds);
  r.add_gauge_callback("process_max_fds", "Maximum number of open file descriptors.", {}, max_fds);
  r.add_gauge_callback("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", {},
                       [started] { return started; });
}

}  // namespace seatd::metrics
