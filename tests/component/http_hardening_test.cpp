// Hostile and unusual HTTP: limits, garbage, CORS, routing errors. The server must answer each
// with a clear 4xx and stay healthy.
#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

class http_hardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new seatd_process(); }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0);
    delete server_;
  }
  void TearDown() override {
    http_client fresh(server_->port());
    EXPECT_EQ(fresh.get("/").status, 200);
  }
  static seatd_process* server_;
  http_client c{server_->port()};
};
seatd_process* http_hardening::server_ = nullptr;

TEST_F(http_hardening, oversized_body_is_413) {
  std::string big(2u << 20, 'a');
  auto reply = c.raw("POST /auth/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
}

TEST_F(http_hardening, oversized_header_is_431) {
  auto reply = c.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 200);
}

TEST_F(http_hardening, garbage_is_400) {
  auto reply = c.raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 200);
  reply = c.raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 200);
}

TEST_F(http_hardening, bad_chunked_body_is_400) {
  auto reply = c.raw("POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 200);
}

TEST_F(http_hardening, truncated_body_does_not_hang_the_server) {
  // Announces 100 bytes, sends 5, then closes its side: the server must give up on the body
  // and close the connection (a server that waits fails this by the client's deadline).
  raw_connection r(server_->port());
  ASSERT_TRUE(r.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabcde"));
  r.shutdown_send();
  auto reply = r.read_until_closed();
  EXPECT_TRUE(r.closed());
  EXPECT_FALSE(r.timed_out());
  EXPECT_TRUE(reply.empty() || reply.rfind("HTTP/1.1 4", 0) == 0) << reply;
}

TEST_F(http_hardening, unknown_path_and_wrong_method) {
  auto r = c.get("/no/such/path");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json(), boost::json::parse(R"({"detail":"Not Found"})"));
  r = c.request(http::verb::delete_, "/auth/login");
  EXPECT_EQ(r.status, 405);
  EXPECT_TRUE(r.json().at("detail").is_string());
}

TEST_F(http_hardening, keep_alive_serves_many_requests_on_one_connection) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(c.get("/").status, 200);
}

TEST_F(http_hardening, cors_allows_configured_origins_with_credentials) {
  auto r = c.request(http::verb::options, "/auth/login", "",
                     {{"Origin", "http://localhost:5173"},
                      {"Access-Control-Request-Method", "POST"},
                      {"Access-Control-Request-Headers", "content-type,authorization"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers[http::field::access_control_allow_origin], "http://localhost:5173");
  EXPECT_EQ(r.headers[http::field::access_control_allow_credentials], "true");
  EXPECT_NE(std::string(r.headers[http::field::access_control_allow_methods]).find("POST"),
            std::string::npos);

  r = c.request(http::verb::options, "/auth/login", "",
                {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.headers[http::field::access_control_allow_origin].empty());

  r = c.request(http::verb::get, "/", "", {{"Origin", "http://127.0.0.1:5173"}});
  EXPECT_EQ(r.headers[http::field::access_control_allow_origin], "http://127.0.0.1:5173");
  r = c.request(http::verb::get, "/", "", {{"Origin", "http://evil.example"}});
  EXPECT_TRUE(r.headers[http::field::access_control_allow_origin].empty());
}

TEST_F(http_hardening, many_concurrent_connections) {
  std::vector<std::unique_ptr<http_client>> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(std::make_unique<http_client>(server_->port()));
  for (auto& cl : clients) EXPECT_EQ(cl->get("/").status, 200);
}

}  // namespace
}  // namespace seatd::testing

namespace seatd::testing {
namespace {

TEST(browser_ui, root_serves_the_ui_to_browsers_and_json_to_clients) {
  // A web root of its own, so the test does not depend on the UI's files.
  auto root = std::filesystem::temp_directory_path() / ("seatd-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><html><body>seat map</body></html>";
  std::ofstream(root / "assets" / "app.js") << "export const answer = 42;";
  std::ofstream(root / "README.md") << "# notes for developers";
  std::ofstream(root / "app.js.map") << "{}";
  seatd_process p({"--web-root", root.string()});
  http_client c(p.port());
  auto api = c.request(http::verb::get, "/", "", {{"Accept", "application/json"}});
  EXPECT_EQ(api.json(), boost::json::parse(R"({"success":true,"message":"Bus Booking API is Live"})"));
  auto plain = c.get("/");
  EXPECT_EQ(plain.headers[http::field::content_type], "application/json");
  auto page = c.request(http::verb::get, "/", "",
                        {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  EXPECT_FALSE(page.headers["Content-Security-Policy"].empty());
  auto etag = std::string(page.headers[http::field::etag]);
  auto again = c.request(http::verb::get, "/index.html", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.headers.count(http::field::content_length), 0u);  // not the 200's length
  // RFC 9110's If-None-Match: weak comparison, a list, or any.
  for (std::string header : {"W/" + etag, "\"other\", " + etag, std::string("*")})
    EXPECT_EQ(c.request(http::verb::get, "/index.html", "", {{"If-None-Match", header}}).status,
              304)
        << header;
  EXPECT_EQ(c.request(http::verb::get, "/index.html", "", {{"If-None-Match", "\"other\""}}).status,
            200);
  // API routes win over files; unknown files are 404 JSON; no escaping the web root.
  EXPECT_EQ(c.get("/trips/abc").status, 422);
  EXPECT_EQ(c.get("/nope.js").status, 404);
  EXPECT_EQ(c.get("/../CMakeLists.txt").status, 404);
  EXPECT_EQ(c.get("/%2e%2e/CMakeLists.txt").status, 404);
  auto js = c.get("/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "export const answer = 42;");
  EXPECT_EQ(js.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(js.headers[http::field::cache_control], "no-cache");  // static files keep theirs
  // Only the UI's asset types are served.
  EXPECT_EQ(c.get("/README.md").status, 404);
  EXPECT_EQ(c.get("/app.js.map").status, 404);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace seatd::testing
