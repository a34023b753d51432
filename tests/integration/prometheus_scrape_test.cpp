// A real Prometheus (Debian's /usr/bin/prometheus) scraping a real seatd: the test writes a
// scrape config naming the port seatd chose, starts Prometheus on a free port with a throwaway
// TSDB and a 1 s scrape interval, and asks Prometheus's HTTP API (not seatd) whether the target
// is up and whether the request counter moved after the test's own requests. Bounded: every
// wait has a deadline well under 30 s.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "component/http_client.hpp"
#include "component/promtool.hpp"
#include "component/seatd_process.hpp"
#include "integration/redis_test_server.hpp"

namespace seatd::testing {
namespace {

constexpr const char* prometheus_binary = "/usr/bin/prometheus";

// Prometheus as a child process, killed and reaped when the test ends.
class prometheus_process {
 public:
  prometheus_process(const std::filesystem::path& dir, unsigned short seatd_port)
      : port_(test::free_port()), log_(dir / "prometheus.log") {
    auto config = dir / "prometheus.yml";
    std::ofstream(config) << "global:\n"
                             "  scrape_interval: 1s\n"
                             "  scrape_timeout: 1s\n"
                             "scrape_configs:\n"
                             "  - job_name: seatd\n"
                             "    static_configs:\n"
                             "      - targets: ['127.0.0.1:"
                          << seatd_port << "']\n";
    // Debian's prometheus package (scripts/install-deps.sh).
    std::vector<std::string> args{prometheus_binary, "--config.file=" + config.string(),
                                  "--storage.tsdb.path=" + (dir / "tsdb").string(),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                  "--log.level=warn"};
    pid_ = test::spawn_server(std::move(args), log_.string());
  }
  ~prometheus_process() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  prometheus_process(const prometheus_process&) = delete;
  prometheus_process& operator=(const prometheus_process&) = delete;

  unsigned short port() const { return port_; }
  std::string log() const {
    std::ifstream f(log_);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }

 private:
  pid_t pid_ = -1;
  unsigned short port_;
  std::filesystem::path log_;
};

std::string url_encoded(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The value of an instant query's single series, nullopt while it has none (or Prometheus is
// not answering yet).
std::optional<double> query(unsigned short port, const std::string& promql) {
  try {
    http_client c(port, std::chrono::seconds(2));
    auto r = c.get("/api/v1/query?query=" + url_encoded(promql));
    if (r.status != 200) return std::nullopt;
    const auto doc = r.json();
    const auto& result = doc.at("data").at("result").as_array();
    if (result.size() != 1) return std::nullopt;
    return std::stod(std::string(result[0].at("value").as_array()[1].as_string()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Polls until `pred(value)` holds or the deadline passes; the last value seen.
template <class Pred>
std::optional<double> wait_for(unsigned short port, const std::string& promql, Pred pred,
                               std::chrono::steady_clock::time_point deadline) {
  std::optional<double> v;
  while (std::chrono::steady_clock::now() < deadline) {
    v = query(port, promql);
    if (v && pred(*v)) return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return v;
}

TEST(prometheus_scrape, a_real_prometheus_sees_seatd_up_and_its_request_counter_move) {
  seatd_process seatd;
  prometheus_process prometheus(seatd.dir(), seatd.port());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
  const std::string counter =
      "seatd_http_requests_total{job=\"seatd\",route=\"/trips/cities\",status=\"200\"}";

  http_client c(seatd.port());
  ASSERT_EQ(c.get("/trips/cities").status, 200);  // the series exists from the first scrape
  auto up = wait_for(
      prometheus.port(), "up{job=\"seatd\"}", [](double v) { return v == 1; }, deadline);
  ASSERT_EQ(up, 1.0) << prometheus.log();
  auto before = wait_for(
      prometheus.port(), counter, [](double v) { return v >= 1; }, deadline);
  ASSERT_TRUE(before) << prometheus.log();

  for (int i = 0; i < 5; ++i) ASSERT_EQ(c.get("/trips/cities").status, 200);
  auto after = wait_for(
      prometheus.port(), counter, [&](double v) { return v >= *before + 5; }, deadline);
  ASSERT_TRUE(after) << prometheus.log();
  EXPECT_GE(*after, *before + 5);
  // The scrapes themselves, from Prometheus's loopback address: allowed by default.
  auto scrapes =
      query(prometheus.port(),
            "seatd_http_requests_total{job=\"seatd\",route=\"/metrics\",status=\"200\"}");
  EXPECT_GE(scrapes.value_or(0), 1.0);
  EXPECT_EQ(seatd.stop(), 0);
}

// The Redis engine adds series of its own (connection state, reconnects, command latency):
// promtool checks that exposition too (the in-process engine's: metrics_test).
TEST(prometheus_scrape, promtool_accepts_the_exposition_of_the_redis_engine) {
  test::redis_test_server redis;
  seatd_process seatd({}, {{"REDIS_URL", redis.url()}});
  http_client c(seatd.port());
  ASSERT_EQ(c.get("/trips/cities").status, 200);
  ASSERT_EQ(c.get("/trips/99999999").status, 404);
  auto body = c.get("/metrics").body;
  EXPECT_NE(body.find("\nseatd_redis_connected 1\n"), std::string::npos) << body;
  EXPECT_NE(body.find("seatd_redis_command_duration_seconds_count"), std::string::npos) << body;
  auto verdict = promtool_check_metrics(body, seatd.dir());
  EXPECT_EQ(verdict.status, 0) << verdict.said;
  EXPECT_EQ(verdict.said, "") << verdict.said;
  EXPECT_EQ(seatd.stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
