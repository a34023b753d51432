// Request ids and JSON logs on the real binary: every answer names its request (X-Request-Id),
// a client cannot choose the id (only a trusted proxy can), and with SEATD_LOG_FORMAT=json
// every log line is one JSON object naming the request it belongs to.
#include <boost/json/parse.hpp>

#include <regex>

#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

bool generated_id(std::string_view id) {
  static const std::regex hex32("[0-9a-f]{32}");
  return std::regex_match(std::string(id), hex32);
}

std::string header_in(const std::string& raw_response, const std::string& name) {
  std::smatch m;
  std::regex re("\r\n" + name + ": ([^\r\n]*)\r\n", std::regex::icase);
  return std::regex_search(raw_response, m, re) ? m[1].str() : std::string{};
}

const char* upgrade_request =
    "GET /ws/seats/1 HTTP/1.1\r\nHost: seatd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "X-Request-Id: chosen-by-the-client\r\n\r\n";

TEST(request_id, every_answer_carries_one_and_a_client_cannot_choose_it) {
  seatd_process p;
  http_client c(p.port());
  auto a = c.get("/healthz");
  auto b = c.get("/healthz");
  std::string ida(a.headers["X-Request-Id"]), idb(b.headers["X-Request-Id"]);
  EXPECT_TRUE(generated_id(ida)) << ida;
  EXPECT_TRUE(generated_id(idb)) << idb;
  EXPECT_NE(ida, idb);

  // A forged id from a peer that is not a trusted proxy is replaced.
  auto forged = c.request(http::verb::get, "/healthz", "", {{"X-Request-Id", "chosen-by-the-client"}});
  EXPECT_TRUE(generated_id(forged.headers["X-Request-Id"])) << forged.headers["X-Request-Id"];

  // Errors and refusals too: a 404, a 401 refused at the front door, garbage on the wire.
  auto missing = c.get("/no/such/route");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(generated_id(missing.headers["X-Request-Id"]));
  auto refused = c.get("/user/me");
  EXPECT_EQ(refused.status, 401);
  EXPECT_TRUE(generated_id(refused.headers["X-Request-Id"]));
  auto garbage = c.raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(garbage.find(" 400 "), std::string::npos) << garbage;
  EXPECT_TRUE(generated_id(header_in(garbage, "X-Request-Id"))) << garbage;

  // And the WebSocket upgrade's answer.
  raw_connection ws(p.port());
  ASSERT_TRUE(ws.send(upgrade_request));
  auto head = ws.read_until("\r\n\r\n");
  EXPECT_NE(head.find(" 101 "), std::string::npos) << head;
  EXPECT_TRUE(generated_id(header_in(head, "X-Request-Id"))) << head;
}

TEST(request_id, a_trusted_proxy_names_the_request_when_its_id_is_well_formed) {
  seatd_process p({}, {{"SEATD_TRUSTED_PROXIES", "127.0.0.1"}});
  http_client c(p.port());
  auto kept = c.request(http::verb::get, "/healthz", "", {{"X-Request-Id", "lb-0f8fad5b"}});
  EXPECT_EQ(std::string(kept.headers["X-Request-Id"]), "lb-0f8fad5b");
  auto missing = c.request(http::verb::get, "/nowhere", "", {{"X-Request-Id", "lb-404"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(std::string(missing.headers["X-Request-Id"]), "lb-404");
  auto too_long = c.request(http::verb::get, "/healthz", "", {{"X-Request-Id", std::string(65, 'a')}});
  EXPECT_TRUE(generated_id(too_long.headers["X-Request-Id"]));
  auto odd = c.request(http::verb::get, "/healthz", "", {{"X-Request-Id", "a\"b<c>"}});
  EXPECT_TRUE(generated_id(odd.headers["X-Request-Id"]));

  raw_connection ws(p.port());
  ASSERT_TRUE(ws.send(std::string(upgrade_request)));
  auto head = ws.read_until("\r\n\r\n");
  EXPECT_EQ(header_in(head, "X-Request-Id"), "chosen-by-the-client") << head;
}

TEST(json_logs, every_line_is_one_json_object_and_the_access_line_names_the_request) {
  seatd_process p({"--access-log", "true"}, {{"SEATD_LOG_FORMAT", "json"}});
  http_client c(p.port());
  auto r = c.get("/trips/cities");
  ASSERT_EQ(r.status, 200);
  const std::string id(r.headers["X-Request-Id"]);
  // A hostile target: quotes, backslashes, bytes that are not UTF-8.
  auto hostile = c.raw("GET /x\"y\\z/\xFF\xC3(%0a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(hostile.empty());
  ASSERT_EQ(p.stop(), 0);

  std::istringstream lines(p.log_text());
  std::string line;
  int json_lines = 0;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("seatd ready port=")) continue;  // stdout, for scripts
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object()) << line;
    auto& o = v.as_object();
    EXPECT_TRUE(o.contains("time") && o.contains("level") && o.contains("message")) << line;
    ++json_lines;
    if (o.contains("request_id") && o.at("request_id") == id.c_str()) {
      found = true;
      EXPECT_EQ(o.at("method"), "GET") << line;
      EXPECT_EQ(o.at("path"), "/trips/cities") << line;
      EXPECT_EQ(o.at("status").as_int64(), 200) << line;
      EXPECT_EQ(o.at("remote"), "127.0.0.1") << line;
      EXPECT_TRUE(o.at("duration_us").is_int64()) << line;
    }
  }
  EXPECT_GE(json_lines, 4);  // startup lines, two access lines, shutdown lines
  EXPECT_TRUE(found) << p.log_text();
}

TEST(json_logs, the_format_is_validated) {
  auto r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"SEATD_LOG_FORMAT", "xml"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("SEATD_LOG_FORMAT"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace seatd::testing
