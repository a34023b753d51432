// The HTTP front door under abuse: a request is decided on its header (route, access, body
// limit, the shared body budget) before any of its body is read; connections beyond the cap
// are refused at once; a connection that sends nothing is closed soon; the client's address
// comes from X-Forwarded-For only through a trusted proxy. Each test talks raw HTTP so it can
// send a header without its body and tell "the server answered" from "we gave up waiting".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

// A header announcing a large body that never follows (unless the test sends it).
std::string header_only(const std::string& method_and_target, std::size_t content_length,
                        const std::string& extra = "") {
  return method_and_target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n" +
         extra + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

class front_door : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new seatd_process(); }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0);
    delete server_;
  }
  static seatd_process* server_;
  http_client c{server_->port()};
};
seatd_process* front_door::server_ = nullptr;

TEST_F(front_door, unknown_route_is_404_before_the_body) {
  // Before: any path under /setup/ took 8 MiB bodies and got "100 Continue".
  raw_connection r(server_->port());
  ASSERT_TRUE(r.send(header_only("POST /setup/x", 8'000'000, "Expect: 100-continue\r\n")));
  auto head = r.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 404")) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;

  raw_connection w(server_->port());
  ASSERT_TRUE(w.send(header_only("PUT /auth/login", 500'000)));  // no Expect: body withheld
  head = w.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 405")) << head;
}

TEST_F(front_door, anonymous_upload_is_401_before_the_body) {
  raw_connection r(server_->port());
  ASSERT_TRUE(r.send(header_only("POST /setup/seed-schedule", 8'000'000, "Expect: 100-continue\r\n")));
  auto head = r.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 401")) << head;

  // Without Expect the answer still comes before the body is sent.
  raw_connection w(server_->port());
  ASSERT_TRUE(w.send(header_only("POST /setup/seed-schedule", 8'000'000,
                                 "Authorization: Bearer not-a-token\r\n")));
  head = w.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 401")) << head;

  raw_connection b(server_->port());
  ASSERT_TRUE(b.send(header_only("POST /bookings/", 100'000, "Expect: 100-continue\r\n")));
  head = b.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 401")) << head;
}

TEST_F(front_door, non_admin_upload_is_403_before_the_body) {
  auto token = signup_and_login(c, unique_email("uploader"));
  raw_connection r(server_->port());
  ASSERT_TRUE(r.send(header_only("POST /setup/seed-schedule", 5'000'000,
                                 "Authorization: Bearer " + token + "\r\nExpect: 100-continue\r\n")));
  auto head = r.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 403")) << head;
}

TEST_F(front_door, admin_upload_is_let_in_with_100_continue) {
  auto token = make_admin(*server_, c);
  raw_connection r(server_->port());
  ASSERT_TRUE(r.send(header_only("POST /setup/seed-schedule", 5,
                                 "Authorization: Bearer " + token + "\r\nExpect: 100-continue\r\n")));
  auto head = r.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 100 Continue")) << head;
  ASSERT_TRUE(r.send("hello"));
  head = r.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 400")) << head;  // not multipart: the handler ran

  // A user route without a body keeps the connection after a refusal.
  raw_connection k(server_->port());
  ASSERT_TRUE(k.send("GET /user/me HTTP/1.1\r\nHost: x\r\n\r\nGET /trips/cities HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(starts_with(k.read_until("credentials\"}"), "HTTP/1.1 401"));  // with its body
  auto next = k.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(next, "HTTP/1.1 200")) << next;
}

TEST_F(front_door, api_answers_are_not_sniffed_or_stored) {
  for (auto target : {"/", "/trips/cities", "/no/such/path", "/user/me"}) {
    auto r = c.get(target);
    EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff") << target;
    EXPECT_EQ(r.headers[http::field::cache_control], "no-store") << target;
  }
}

// Transfer-Encoding that seatd does not apply must not turn the body into a second request.
TEST_F(front_door, unsupported_transfer_encoding_is_refused_and_closes) {
  const std::string smuggled = "GET /user/me HTTP/1.1\r\nHost: x\r\n\r\n";
  struct probe {
    std::string header;
    std::string status;
  };
  const probe probes[] = {
      {"Transfer-Encoding: gzip\r\n", "HTTP/1.1 400"},
      {"Transfer-Encoding: identity\r\n", "HTTP/1.1 400"},
      {"Transfer-Encoding: xchunked\r\n", "HTTP/1.1 400"},
      {"Transfer-Encoding: chunked, identity\r\n", "HTTP/1.1 400"},
      {"Transfer-Encoding: gzip\r\nContent-Length: 34\r\n", "HTTP/1.1 400"},
      {"Transfer-Encoding: gzip, chunked\r\n", "HTTP/1.1 501"},
  };
  for (const auto& p : probes) {
    raw_connection r(server_->port());
    ASSERT_TRUE(r.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                       p.header + "\r\n" + smuggled));
    auto all = r.read_until_closed();
    EXPECT_TRUE(r.closed()) << p.header;
    EXPECT_TRUE(starts_with(all, p.status)) << p.header << all;
    EXPECT_EQ(all.find("HTTP/1.1", 1), std::string::npos) << p.header << "a second answer: " << all;
  }
}

TEST(front_door_budget, bodies_beyond_the_shared_budget_are_503_before_reading) {
  seatd_process p({}, {{"SEATD_MAX_INFLIGHT_BODY_BYTES", "4096"}});
  const std::string login = "POST /auth/login";
  raw_connection a(p.port());
  ASSERT_TRUE(a.send(header_only(login, 3000, "Expect: 100-continue\r\n")));
  auto head = a.read_until("\r\n\r\n");
  ASSERT_TRUE(starts_with(head, "HTTP/1.1 100 Continue")) << head;  // a holds 3000 bytes

  raw_connection b(p.port());
  ASSERT_TRUE(b.send(header_only(login, 3000, "Expect: 100-continue\r\n")));
  head = b.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 503")) << head;
  EXPECT_NE(head.find("Retry-After: 1"), std::string::npos) << head;

  ASSERT_TRUE(a.send(std::string(3000, 'x')));  // a finishes: its share is returned
  head = a.read_until("\r\n\r\n");
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 4")) << head;  // not JSON: the handler's 4xx

  // a's share comes back once its response is written, a moment after the client reads it.
  for (int i = 0; i < 50; ++i) {
    raw_connection again(p.port());
    ASSERT_TRUE(again.send(header_only(login, 3000, "Expect: 100-continue\r\n")));
    head = again.read_until("\r\n\r\n");
    if (!starts_with(head, "HTTP/1.1 503")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(starts_with(head, "HTTP/1.1 100 Continue")) << head;
}

TEST(front_door_limits, connections_beyond_the_cap_are_refused_at_once) {
  seatd_process p({}, {{"SEATD_MAX_CONNECTIONS", "3"}, {"SEATD_FIRST_BYTE_TIMEOUT_SECONDS", "60"}});
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<raw_connection>(p.port()));
  raw_connection extra(p.port());
  auto reply = extra.read_until_closed();
  EXPECT_TRUE(extra.closed()) << "the excess connection was left waiting";
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 503")) << reply;

  // Room again once one leaves (its session ends when the server sees the close).
  idle.pop_back();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    try {
      status = http_client(p.port(), std::chrono::seconds(5)).get("/").status;
    } catch (const std::exception&) {
    }
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_NE(p.log_text().find("at the limit of 3"), std::string::npos);
}

// GET / from a chosen loopback source address on a fresh connection: the status, or 0 when
// the connection failed or nothing came back within 5 s.
int status_from(const char* source, unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  std::string reply;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0) {
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == ssize_t(req.size())) {
      char buf[512];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) reply.assign(buf, std::size_t(n));
    }
  }
  ::close(fd);
  return reply.size() > 12 && starts_with(reply, "HTTP/1.1 ") ? std::stoi(reply.substr(9, 3)) : 0;
}

// Found by a hostile test: the connection cap was global only, so one address holding idle
// connections (and reconnecting as the first-byte timeout closed them) refused everyone.
// Each client address now has its own cap (nginx's limit_conn); other clients still get in.
TEST(front_door_limits, one_address_cannot_take_every_connection) {
  seatd_process p({}, {{"SEATD_MAX_CONNECTIONS_PER_CLIENT", "3"},
                       {"SEATD_FIRST_BYTE_TIMEOUT_SECONDS", "60"}});
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<raw_connection>(p.port()));
  raw_connection extra(p.port());
  auto reply = extra.read_until_closed();
  EXPECT_TRUE(extra.closed()) << "the excess connection was left waiting";
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 503")) << reply;
  // Another address is not affected by the first one's share.
  EXPECT_EQ(status_from("127.0.0.2", p.port()), 200);
  // The first address gets its place back once one of its connections ends.
  idle.pop_back();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    try {
      status = http_client(p.port(), std::chrono::seconds(5)).get("/").status;
    } catch (const std::exception&) {
    }
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_NE(p.log_text().find("SEATD_MAX_CONNECTIONS_PER_CLIENT"), std::string::npos);
}

TEST(front_door_limits, a_connection_that_sends_nothing_is_closed_soon) {
  seatd_process p({}, {{"SEATD_FIRST_BYTE_TIMEOUT_SECONDS", "1"}});
  raw_connection silent(p.port(), std::chrono::seconds(20));  // idle timeout is 60 s
  auto reply = silent.read_until_closed();
  EXPECT_TRUE(silent.closed());
  EXPECT_FALSE(silent.timed_out());

  // After a request, the keep-alive idle timeout applies, not the first-byte one.
  raw_connection kept(p.port());
  ASSERT_TRUE(kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(starts_with(kept.read_until("}"), "HTTP/1.1 200"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ASSERT_TRUE(kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(starts_with(kept.read_until("}"), "HTTP/1.1 200"));
}

// The access log names the client: the peer, or X-Forwarded-For's client behind a trusted proxy.
TEST(front_door_proxies, forwarded_for_is_believed_only_from_trusted_proxies) {
  auto logged = [](seatd_process& p, const std::string& line) {
    for (int i = 0; i < 100; ++i) {
      if (p.log_text().find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  {
    seatd_process p({"--access-log", "true"},
                    {{"SEATD_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1/32"}});
    http_client c(p.port());
    c.request(http::verb::get, "/trips/cities?from=a", "",
              {{"X-Forwarded-For", "198.51.100.9, 203.0.113.7, 10.1.2.3"}});
    EXPECT_TRUE(logged(p, "203.0.113.7 \"GET /trips/cities?from=a\"")) << p.log_text();
  }
  {
    seatd_process p({"--access-log", "true"});
    http_client c(p.port());
    c.request(http::verb::get, "/trips/cities?from=b", "", {{"X-Forwarded-For", "203.0.113.7"}});
    EXPECT_TRUE(logged(p, "127.0.0.1 \"GET /trips/cities?from=b\"")) << p.log_text();
  }
}

}  // namespace
}  // namespace seatd::testing
