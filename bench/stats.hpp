#pragma once
// seatd-bench: measurements and reports. A log-linear latency histogram (values in
// microseconds, about 1.6% relative precision, exact below 128 µs, exact min and max), the
// result table printed for people plus one JSON line for scripts, and the /proc readers.
#include <sys/types.h>

#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

class histogram {
 public:
  void record(std::int64_t micros);
  void merge(const histogram& other);
  std::uint64_t count() const { return count_; }
  // The value at quantile q (0..1), in microseconds; 0 when empty.
  std::int64_t quantile(double q) const;
  std::int64_t max() const { return count_ ? max_ : 0; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }

 private:
  static constexpr int sub_bits = 6;                   // 64 sub-buckets per power of two
  static constexpr int linear = 2 << sub_bits;         // 0..127 exact
  static constexpr int octaves = 40;                   // up to 2^47 µs
  static constexpr std::size_t size = linear + octaves * (1 << sub_bits);
  static std::size_t index_of(std::int64_t v);
  static std::int64_t value_of(std::size_t index);
  std::vector<std::uint64_t> buckets_ = std::vector<std::uint64_t>(size, 0);
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
  std::int64_t min_ = 0;
};

// One scenario's results: ordered rows (key, JSON value, text shown to people).
class report {
 public:
  explicit report(std::string scenario) : scenario_(std::move(scenario)) {}
  void add(const std::string& key, boost::json::value v, const std::string& shown = {});
  void add_text(const std::string& key, const std::string& text);
  void add_ms(const std::string& key, std::int64_t micros);  // shown in ms, stored in ms
  // p50, p99, max (and count) of a histogram under prefix ("latency" -> latency_p50_ms ...).
  void add_latency(const std::string& prefix, const histogram& h);
  void note(const std::string& text) { notes_.push_back(text); }
  void fail(const std::string& why) { failures_.push_back(why); }
  bool failed() const { return !failures_.empty(); }
  // Prints the table and the JSON line to stdout; appends the JSON line to json_path if set.
  void print(const std::string& json_path) const;
  boost::json::object json() const;
  const std::string& scenario() const { return scenario_; }

 private:
  struct row {
    std::string key;
    boost::json::value value;
    std::string shown;
  };
  std::string scenario_;
  std::vector<row> rows_;
  std::vector<std::string> notes_;
  std::vector<std::string> failures_;
};

std::string format_ms(std::int64_t micros);

// VmRSS of a process in KiB, from /proc/<pid>/status; nullopt when unreadable.
std::optional<std::int64_t> rss_kib(pid_t pid);
// Open file descriptors of a process (entries of /proc/<pid>/fd); nullopt when unreadable.
std::optional<std::int64_t> open_fds(pid_t pid);
// The process listening on a TCP port on this machine (from /proc/net/tcp{,6} and
// /proc/*/fd); nullopt when not found (or not ours to inspect).
std::optional<pid_t> pid_listening_on(unsigned short port);
// CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat.
std::optional<double> cpu_seconds(pid_t pid);
// CPU time this process has used, in seconds.
double own_cpu_seconds();
// Raises the soft open-file limit to the hard limit; returns the new soft limit.
long raise_fd_limit();
// Load averages from /proc/loadavg ("1.20 0.80 0.50").
std::string load_average();

}  // namespace bench
