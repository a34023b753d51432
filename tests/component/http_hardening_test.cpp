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
  // Announces 100 bytes, sends 5, then goes away.
  auto reply = c.raw("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabcde",
                     std::chrono::milliseconds(300));
  EXPECT_TRUE(reply.empty() || reply.rfind("HTTP/1.1 4", 0) == 0);
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
