// GET /metrics on a real seatd over real sockets: the counters move after requests, the route
// label is the router's pattern and never a client's path (unknown paths add no series), the
// live seat map and holds show up, the exposition passes `promtool check metrics` (Debian's
// prometheus package), who may read it on the public port (the socket's peer, not
// X-Forwarded-For), and the separate listener (--metrics-listen).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <memory>
#include <regex>
#include <sstream>
#include <vector>

#include "component/promtool.hpp"
#include "component/test_support.hpp"
#include "component/ws_client.hpp"

namespace seatd::testing {
namespace {

// The value of the sample written exactly as `series` (name and labels), or nullopt.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

// How many samples of the family `name` (its _bucket/_sum/_count lines included).
std::size_t series_count(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name, 0) == 0) ++n;
  return n;
}

// One GET /metrics from a chosen local address (127.0.0.2 is loopback too, but not 127.0.0.1):
// the status line's code.
int status_from(const char* local_address, unsigned short port) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.open(asio::ip::tcp::v4());
  s.bind({asio::ip::make_address(local_address), 0});
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string got;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(got), ec);  // until the server closes
  return got.size() > 12 ? std::stoi(got.substr(9, 3)) : 0;
}

const char* one_trip_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service "
    "Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n"
    "ABC,Tuesday,Bus Y,Chennai,Madurai,10:00 PM,07:00 AM,800,Sleeper,AC\n";

TEST(metrics_endpoint, counts_requests_by_route_pattern_with_latency) {
  seatd_process p;
  http_client c(p.port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.get("/trips/" + std::to_string(900 + i)).status, 404);
  EXPECT_EQ(c.get("/trips/cities").status, 200);
  auto r = c.get("/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string trip = "{route=\"/trips/{trip_id:int}\",method=\"GET\"";
  EXPECT_EQ(sample(r.body, "seatd_http_requests_total" + trip + ",status=\"404\"}"), 3.0) << r.body;
  EXPECT_EQ(sample(r.body, "seatd_http_request_duration_seconds_count" + trip + "}"), 3.0);
  EXPECT_EQ(sample(r.body,
                   "seatd_http_requests_total{route=\"/trips/cities\",method=\"GET\","
                   "status=\"200\"}"),
            1.0);
  EXPECT_EQ(r.body.find("/trips/900"), std::string::npos);  // never the client's path

  // A scrape counts itself on its own route once it is answered.
  auto again = c.get("/metrics").body;
  EXPECT_EQ(sample(again,
                   "seatd_http_requests_total{route=\"/metrics\",method=\"GET\","
                   "status=\"200\"}"),
            1.0);
  EXPECT_TRUE(std::regex_search(
      again, std::regex("\nseatd_build_info\\{version=\"0\\.1\\.0\",commit=\"[^\"]+\"\\} 1\n")))
      << again;
  EXPECT_GT(sample(again, "process_resident_memory_bytes").value_or(0), 1e6);
  EXPECT_GT(sample(again, "process_open_fds").value_or(0), 3);
  EXPECT_GT(sample(again, "process_start_time_seconds").value_or(0), 1.7e9);
  EXPECT_EQ(sample(again, "seatd_pool_queue_depth{pool=\"worker\"}"), 0.0);
  EXPECT_EQ(sample(again, "seatd_pool_rejections_total{pool=\"hashing\"}"), 0.0);
  EXPECT_EQ(sample(again, "seatd_outbox_backlog"), 0.0);
  EXPECT_EQ(p.stop(), 0);
}

TEST(metrics_endpoint, unknown_paths_fold_into_one_bounded_series) {
  seatd_process p;
  http_client c(p.port());
  EXPECT_EQ(c.get("/no/such/thing").status, 404);
  auto before = c.get("/metrics").body;
  const auto lines = series_count(before, "seatd_http_request");
  for (int i = 0; i < 200; ++i) {
    c.get("/no/such/thing/" + std::to_string(i));
    c.request(http::verb::delete_, "/other/" + std::to_string(i));
  }
  auto after = c.get("/metrics").body;
  EXPECT_EQ(sample(after, "seatd_http_requests_total{route=\"unmatched\",status=\"404\"}"), 401.0);
  EXPECT_EQ(after.find("/no/such"), std::string::npos);
  EXPECT_EQ(after.find("/other/"), std::string::npos);
  // Every route's histogram is there from the start: the only new line is the first scrape's
  // own count, whatever the 400 paths were.
  EXPECT_EQ(series_count(after, "seatd_http_request"), lines + 1);
  EXPECT_EQ(p.stop(), 0);
}

TEST(metrics_endpoint, live_seats_and_holds_show_up) {
  seatd_process p;
  http_client c(p.port());
  auto admin = make_admin(p, c);
  ASSERT_EQ(upload(c, admin, "one.csv", one_trip_csv).status, 200);
  auto traveller = signup_and_login(c, unique_email("metrics"));
  ws_client viewer(p.port(), "/ws/seats/1");
  ASSERT_TRUE(viewer.read_json());  // INITIAL_STATE
  ASSERT_EQ(c.post_json("/bookings/lock-seat/1/3", boost::json::object{}, traveller).status, 200);
  ASSERT_TRUE(viewer.read_json());  // SEAT_LOCKED reached the viewer
  auto text = c.get("/metrics").body;
  EXPECT_EQ(sample(text, "seatd_ws_viewers"), 1.0) << text;
  EXPECT_EQ(sample(text, "seatd_ws_rooms"), 1.0);
  EXPECT_EQ(sample(text, "seatd_holds_live"), 1.0);
  EXPECT_EQ(sample(text, "seatd_seat_events_total{kind=\"locked\"}"), 1.0);
  EXPECT_EQ(sample(text, "seatd_ws_events_delivered_total"), 1.0);
  EXPECT_GE(sample(text, "seatd_ws_fanout_seconds_count").value_or(0), 1.0);
  EXPECT_EQ(sample(text,
                   "seatd_http_requests_total{route=\"/bookings/lock-seat/{trip_id:int}/"
                   "{seat_no:int}\",method=\"POST\",status=\"200\"}"),
            1.0);
  EXPECT_EQ(p.stop(), 0);
}

TEST(metrics_endpoint, promtool_accepts_the_exposition) {
  seatd_process p;
  http_client c(p.port());
  c.get("/trips/cities");
  c.get("/nothing-here");
  c.get("/metrics");  // the metrics route's own series too
  auto verdict = promtool_check_metrics(c.get("/metrics").body, p.dir());
  EXPECT_EQ(verdict.status, 0) << verdict.said;
  EXPECT_EQ(verdict.said, "");  // no lint findings either
  EXPECT_EQ(p.stop(), 0);
}

TEST(metrics_endpoint, public_port_answers_only_allowed_peers_not_relayed_requests) {
  // Default: loopback peers.
  seatd_process p;
  http_client c(p.port());
  EXPECT_EQ(c.get("/metrics").status, 200);
  // The peer is loopback, but the request was relayed for someone a proxy saw: refused (a
  // local nginx's address says nothing about who asked), trusted proxy or not.
  auto relayed = c.request(http::verb::get, "/metrics", "", {{"X-Forwarded-For", "127.0.0.1"}});
  EXPECT_EQ(relayed.status, 403) << relayed.body;
  EXPECT_EQ(c.request(http::verb::get, "/metrics", "", {{"Forwarded", "for=127.0.0.1"}}).status,
            403);
  // nginx's other usual proxy headers, and Via, mark a relayed request too.
  for (const char* header : {"X-Real-IP", "X-Forwarded-Proto", "X-Forwarded-Host", "Via"})
    EXPECT_EQ(c.request(http::verb::get, "/metrics", "", {{header, "127.0.0.1"}}).status, 403)
        << header;
  EXPECT_EQ(p.stop(), 0);

  // Only 127.0.0.1 allowed: the same machine from 127.0.0.2 is another peer.
  seatd_process narrow({}, {{"SEATD_METRICS_ALLOW", "127.0.0.1/32"}});
  EXPECT_EQ(status_from("127.0.0.1", narrow.port()), 200);
  EXPECT_EQ(status_from("127.0.0.2", narrow.port()), 403);
  EXPECT_EQ(narrow.stop(), 0);
}

TEST(metrics_endpoint, a_separate_listener_takes_metrics_off_the_public_port) {
  seatd_process p({"--metrics-listen", "127.0.0.1:0"});
  std::smatch m;
  const std::string banner = p.banner();
  ASSERT_TRUE(std::regex_search(banner, m, std::regex("seatd metrics port=([0-9]+)"))) << banner;
  const auto metrics_port = static_cast<unsigned short>(std::stoi(m[1].str()));
  ASSERT_NE(metrics_port, p.port());

  http_client pub(p.port());
  EXPECT_EQ(pub.get("/trips/cities").status, 200);
  EXPECT_EQ(pub.get("/metrics").status, 404);
  http_client mon(metrics_port);
  EXPECT_EQ(mon.get("/trips/cities").status, 404);  // only /metrics there
  // Whoever reaches the metrics port may read it (the operator binds it), relayed or not.
  auto r = mon.request(http::verb::get, "/metrics", "", {{"X-Forwarded-For", "198.51.100.7"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(sample(r.body,
                   "seatd_http_requests_total{route=\"/trips/cities\",method=\"GET\","
                   "status=\"200\"}"),
            1.0);
  // One client holds at most 4 connections there (mon is one): a fifth gets 503 and is
  // closed, so one client cannot take every place and blind the scrapers.
  std::vector<std::unique_ptr<http_client>> more;
  for (int i = 0; i < 3; ++i) {
    more.push_back(std::make_unique<http_client>(metrics_port));
    ASSERT_EQ(more.back()->get("/nothing").status, 404);
  }
  http_client fifth(metrics_port);
  EXPECT_EQ(fifth.get("/metrics").status, 503);
  EXPECT_EQ(p.stop(), 0);
}

TEST(metrics_endpoint, a_bad_metrics_listen_address_stops_startup_with_a_message) {
  auto r = run_seatd({"--metrics-listen", "localhost:9100"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("SEATD_METRICS_LISTEN"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace seatd::testing
