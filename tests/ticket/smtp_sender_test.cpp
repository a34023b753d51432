// smtp_sender against a real SMTP server: tests/ticket/smtp_sink.py (Debian's
// python3-aiosmtpd) on a free port, writing each accepted message to a directory. Python's
// email package (tests/ticket/check_mail.py) reads what arrived, as a mail client would.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "component/test_paths.hpp"
#include "ticket/boarding_code.hpp"
#include "ticket/boarding_pass_pdf.hpp"
#include "ticket/booking_messages.hpp"
#include "ticket/errc.hpp"
#include "ticket/mime_message.hpp"
#include "ticket/smtp_sender.hpp"
#include "ticket/ticket_samples.hpp"
#include "ticket/ticket_test_support.hpp"

namespace {

using namespace seatd::tickets;
namespace t = seatd::tickets::testing;
using namespace std::chrono_literals;

outgoing_mail confirmation(const std::string& to, const std::string& message_id) {
  const boarding_pass pass = t::sample_pass(boarding_codec("smtp-test-secret"), "Zoë Núñez");
  const booking_details& b = pass.booking;
  const message_texts texts = booking_confirmation(b, "Zoë");
  mail_message m;
  m.from = {"ABC Travels", "tickets@abctravels.example"};
  m.to = {"Zoë Núñez", to};
  m.subject = texts.subject;
  m.text = texts.text;
  m.html = texts.html;
  m.date = seatd::sys_ms{std::chrono::milliseconds{1'796'452'732'000}};
  m.message_id = message_id;
  m.attachments.push_back({"boarding-pass-ABC-1A2B3C.pdf", "application/pdf",
                           render_boarding_pass(pass).value()});
  return make_outgoing_mail(m).value();
}

smtp_sender sender(const std::string& url, std::chrono::milliseconds total = 10s) {
  smtp_settings s;
  s.url = url;
  s.connect_timeout = 2s;
  s.total_timeout = total;
  auto r = smtp_sender::create(s);
  EXPECT_TRUE(r) << url;
  return std::move(r).value();
}

std::string url(std::uint16_t port, const std::string& userinfo = "") {
  return "smtp://" + userinfo + "127.0.0.1:" + std::to_string(port);
}

class ticket_smtp_sender : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!t::executable(t::system_python)) GTEST_SKIP() << "python3 missing";
  }
  t::scratch_dir dir_;
};

TEST_F(ticket_smtp_sender, a_message_arrives_once_with_headers_and_attachment_intact) {
  t::smtp_sink sink(dir_.path());
  const outgoing_mail mail = confirmation("zoe@example.com", "booking-ABC-1A2B3C.1@seatd.test");
  auto sent = sender(url(sink.port())).send(mail);
  ASSERT_TRUE(sent) << sent.error().detail;

  const auto files = t::eml_files(dir_.path());
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(t::read_file(files[0]), mail.data);  // byte for byte, dots and all
  EXPECT_EQ(t::read_file(dir_.path() / "1.envelope"),
            "MAIL FROM tickets@abctravels.example\nRCPT TO zoe@example.com\n");

  const auto m = t::check_mail(files[0]);
  EXPECT_EQ(m.at("subject"), "Your ticket ABC-1A2B3C: Mumbai → Pune, Sat 05 Dec 2026, 08:30");
  EXPECT_EQ(m.at("to"), "Zoë Núñez <zoe@example.com>");
  EXPECT_EQ(m.at("from"), "ABC Travels <tickets@abctravels.example>");
  EXPECT_EQ(m.at("message-id"), "<booking-ABC-1A2B3C.1@seatd.test>");
  EXPECT_EQ(m.at("date"), "Sat, 05 Dec 2026 06:38:52 +0000");
  EXPECT_EQ(m.at("parts"), "multipart/mixed multipart/alternative text/plain text/html application/pdf");
  EXPECT_EQ(m.at("text"), "Hello Zoë,");
  EXPECT_EQ(m.at("html-has-doctype"), "True");
  EXPECT_EQ(m.at("attachment").rfind("boarding-pass-ABC-1A2B3C.pdf ", 0), 0U) << m.at("attachment");
  EXPECT_NE(m.at("attachment").find(" %PDF-"), std::string::npos) << m.at("attachment");
  EXPECT_EQ(m.at("defects"), "0");
}

TEST_F(ticket_smtp_sender, auth_with_percent_encoded_credentials) {
  t::smtp_sink sink(dir_.path(), {"tickets@seatd", "p@ss:wörd/%"});
  const outgoing_mail mail = confirmation("zoe@example.com", "auth.1@seatd.test");
  auto ok = sender(url(sink.port(), "tickets%40seatd:p%40ss%3Aw%C3%B6rd%2F%25@")).send(mail);
  ASSERT_TRUE(ok) << ok.error().detail;
  EXPECT_EQ(t::eml_files(dir_.path()).size(), 1U);

  // A wrong password: the server's 535 is permanent (sending again would be refused again).
  auto denied = sender(url(sink.port(), "tickets%40seatd:wrong@")).send(mail);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, make_error_code(errc::mail_permanent)) << denied.error().detail;
  EXPECT_FALSE(denied.error().retryable());
  // No login at all where one is required: 530, also permanent.
  auto anonymous = sender(url(sink.port())).send(mail);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, make_error_code(errc::mail_permanent)) << anonymous.error().detail;
  EXPECT_EQ(t::eml_files(dir_.path()).size(), 1U);
}

TEST_F(ticket_smtp_sender, a_5xx_reply_is_permanent_and_a_4xx_retryable) {
  t::smtp_sink sink(dir_.path());
  auto rejected = sender(url(sink.port())).send(confirmation("reject@example.com", "r.1@seatd.test"));
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, make_error_code(errc::mail_permanent));
  EXPECT_NE(rejected.error().detail.find("550"), std::string::npos) << rejected.error().detail;

  auto later = sender(url(sink.port())).send(confirmation("tempfail@example.com", "t.1@seatd.test"));
  ASSERT_FALSE(later);
  EXPECT_TRUE(later.error().retryable()) << later.error().detail;
  EXPECT_NE(later.error().detail.find("451"), std::string::npos) << later.error().detail;
  EXPECT_TRUE(t::eml_files(dir_.path()).empty());
}

TEST_F(ticket_smtp_sender, server_down_is_retryable_and_quick) {
  const outgoing_mail mail = confirmation("zoe@example.com", "down.1@seatd.test");
  const auto start = std::chrono::steady_clock::now();
  auto r = sender(url(t::unused_port())).send(mail);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().retryable()) << r.error().detail;
  EXPECT_LT(took, 3s);
}

TEST_F(ticket_smtp_sender, a_server_that_never_answers_is_cut_off_by_the_total_timeout) {
  // Accepts the TCP connection (the kernel does, from the backlog) but never sends a greeting.
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(s, 4), 0);
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len), 0);

  const auto start = std::chrono::steady_clock::now();
  auto r = sender(url(ntohs(a.sin_port)), 1500ms).send(confirmation("zoe@example.com", "mute.1@seatd.test"));
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(s);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().retryable()) << r.error().detail;
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 5s);
}

TEST_F(ticket_smtp_sender, require_tls_refuses_a_server_without_starttls) {
  t::smtp_sink sink(dir_.path());
  smtp_settings s;
  s.url = url(sink.port());
  s.require_tls = true;
  s.total_timeout = 5s;
  auto r = smtp_sender::create(s).value().send(confirmation("zoe@example.com", "tls.1@seatd.test"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().retryable()) << r.error().detail;
  EXPECT_TRUE(t::eml_files(dir_.path()).empty());
}

TEST_F(ticket_smtp_sender, concurrent_sends_each_arrive_once) {
  t::smtp_sink sink(dir_.path());
  const smtp_sender shared = sender(url(sink.port()));
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < 3; ++i) {
        const auto id = "c" + std::to_string(w) + "." + std::to_string(i) + "@seatd.test";
        if (!shared.send(confirmation("zoe@example.com", id))) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  const auto files = t::eml_files(dir_.path());
  ASSERT_EQ(files.size(), 12U);
  std::set<std::string> ids;
  for (const auto& f : files) ids.insert(t::check_mail(f).at("message-id"));
  EXPECT_EQ(ids.size(), 12U);
}

TEST(ticket_smtp_settings, only_smtp_urls_with_a_host_are_accepted) {
  for (const char* bad : {"http://mail.example.com", "smtp://", "not a url", "", "file:///etc/passwd"}) {
    smtp_settings s;
    s.url = bad;
    auto r = smtp_sender::create(s);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), make_error_code(errc::mail_invalid));
  }
  smtp_settings s;
  s.url = "smtps://user%40x:secret@mail.example.com:465";
  auto r = smtp_sender::create(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->redacted_url(), "smtps://user@x@mail.example.com:465");
}

TEST(ticket_smtp_settings, envelope_addresses_with_line_breaks_are_refused_before_connecting) {
  smtp_settings s;
  s.url = "smtp://127.0.0.1:" + std::to_string(t::unused_port());
  const smtp_sender sender = smtp_sender::create(s).value();
  outgoing_mail m;
  m.envelope_from = "a@b.example";
  m.recipients = {"x@y.example>\r\nRCPT TO:<victim@z.example"};
  m.message_id = "i@d";
  m.data = "Subject: x\r\n\r\nx\r\n";
  auto r = sender.send(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::mail_invalid));
  m.recipients.clear();
  EXPECT_EQ(sender.send(m).error().code, make_error_code(errc::mail_invalid));
}

}  // namespace
