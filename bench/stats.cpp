#include "stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bench {

std::size_t histogram::index_of(std::int64_t v) {
  if (v < linear) return std::size_t(v < 0 ? 0 : v);
  int e = std::bit_width(std::uint64_t(v)) - 1;  // >= 7
  std::size_t sub = std::size_t(v >> (e - sub_bits)) & ((1u << sub_bits) - 1);
  std::size_t i = std::size_t(linear) + std::size_t(e - (sub_bits + 1)) * (1u << sub_bits) + sub;
  return std::min(i, size - 1);
}

std::int64_t histogram::value_of(std::size_t index) {
  if (index < std::size_t(linear)) return std::int64_t(index);
  std::size_t k = index - linear;
  int e = int(k >> sub_bits) + sub_bits + 1;
  std::int64_t sub = std::int64_t(k & ((1u << sub_bits) - 1));
  std::int64_t lower = ((std::int64_t(1) << sub_bits) + sub) << (e - sub_bits);
  std::int64_t width = std::int64_t(1) << (e - sub_bits);
  return lower + width / 2;
}

void histogram::record(std::int64_t v) {
  if (count_ == 0) {
    min_ = max_ = v;
  } else {
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  ++count_;
  sum_ += v;
  ++buckets_[index_of(v)];
}

void histogram::merge(const histogram& o) {
  if (o.count_ == 0) return;
  if (count_ == 0) {
    min_ = o.min_;
    max_ = o.max_;
  } else {
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }
  count_ += o.count_;
  sum_ += o.sum_;
  for (std::size_t i = 0; i < size; ++i) buckets_[i] += o.buckets_[i];
}

std::int64_t histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  auto rank = std::max<std::uint64_t>(1, std::uint64_t(std::ceil(q * double(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < size; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(value_of(i), min_, max_);
  }
  return max_;
}

std::string format_ms(std::int64_t micros) {
  double ms = double(micros) / 1000.0;
  if (std::abs(ms) < 10) return fmt::format("{:.3f} ms", ms);
  if (std::abs(ms) < 1000) return fmt::format("{:.1f} ms", ms);
  return fmt::format("{:.0f} ms", ms);
}

void report::add(const std::string& key, boost::json::value v, const std::string& shown) {
  std::string text = shown;
  if (text.empty()) {
    if (v.is_double())
      text = fmt::format("{:.1f}", v.as_double());
    else if (v.is_string())
      text = std::string(v.as_string());
    else
      text = boost::json::serialize(v);
  }
  rows_.push_back({key, std::move(v), std::move(text)});
}

void report::add_text(const std::string& key, const std::string& text) {
  add(key, boost::json::value(boost::json::string_view(text)), text);
}

void report::add_ms(const std::string& key, std::int64_t micros) {
  add(key, std::round(double(micros) / 10.0) / 100.0, format_ms(micros));
}

void report::add_latency(const std::string& prefix, const histogram& h) {
  add(prefix + "_count", h.count());
  add_ms(prefix + "_p50_ms", h.quantile(0.50));
  add_ms(prefix + "_p99_ms", h.quantile(0.99));
  add_ms(prefix + "_max_ms", h.max());
}

boost::json::object report::json() const {
  boost::json::object o;
  o["scenario"] = scenario_;
  for (const auto& r : rows_) o[r.key] = r.value;
  o["ok"] = failures_.empty();
  if (!failures_.empty()) {
    boost::json::array a;
    for (const auto& f : failures_) a.emplace_back(f);
    o["failures"] = std::move(a);
  }
  if (!notes_.empty()) {
    boost::json::array a;
    for (const auto& n : notes_) a.emplace_back(n);
    o["notes"] = std::move(a);
  }
  return o;
}

void report::print(const std::string& json_path) const {
  std::size_t width = 10;
  for (const auto& r : rows_) width = std::max(width, r.key.size());
  std::string out = fmt::format("\n== {} ==\n", scenario_);
  for (const auto& r : rows_) out += fmt::format("  {:<{}}  {}\n", r.key, width, r.shown);
  for (const auto& n : notes_) out += fmt::format("  note: {}\n", n);
  for (const auto& f : failures_) out += fmt::format("  FAILED: {}\n", f);
  out += fmt::format("  result: {}\n", failures_.empty() ? "ok" : "FAILED");
  auto line = boost::json::serialize(json());
  out += line + "\n";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  if (!json_path.empty()) {
    std::ofstream f(json_path, std::ios::app);
    f << line << '\n';
  }
}

std::optional<std::int64_t> rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream is(line.substr(6));
      std::int64_t kib = 0;
      if (is >> kib) return kib;
    }
  }
  return std::nullopt;
}

namespace {

// Inodes of sockets listening on `port` in one /proc/net/tcp* table.
void listening_inodes(const char* table, unsigned short port, std::vector<std::string>& out) {
  std::ifstream f(table);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream is(line);
    std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
    if (!(is >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode))
      continue;
    auto colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A") continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) out.push_back(inode);
  }
}

}  // namespace

std::optional<pid_t> pid_listening_on(unsigned short port) {
  std::vector<std::string> inodes;
  listening_inodes("/proc/net/tcp", port, inodes);
  listening_inodes("/proc/net/tcp6", port, inodes);
  if (inodes.empty()) return std::nullopt;
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    auto name = proc.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::error_code ec2;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec2)) {
      std::error_code ec3;
      auto target = fs::read_symlink(fd.path(), ec3).string();
      if (ec3 || target.rfind("socket:[", 0) != 0) continue;
      auto inode = target.substr(8, target.size() - 9);
      if (std::find(inodes.begin(), inodes.end(), inode) != inodes.end())
        return pid_t(std::stol(name));
    }
  }
  return std::nullopt;
}

std::optional<double> cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(f, text)) return std::nullopt;
  auto close = text.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return std::nullopt;
  std::istringstream is(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // Fields after the name start at 3 (state); utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && (is >> field); ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

std::optional<std::int64_t> open_fds(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) return std::nullopt;
  std::int64_t n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    ++n;
  }
  return n;
}

long raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  rl.rlim_cur = rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return long(rl.rlim_cur);
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace bench
