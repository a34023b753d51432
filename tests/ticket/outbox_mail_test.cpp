// The outbox end to end in one real seatd (port 0, its own SQLite file) with the embedded mail
// directory: a booking made through the HTTP API becomes exactly one .eml file in
// SEATD_MAIL_DIR within seconds, addressed to the traveller, with the booking in the Subject,
// the Message-ID derived from the outbox row, and the boarding pass PDF attached; cancelling it
// adds the cancellation message. Python's email package (tests/ticket/check_mail.py) reads the
// files as a mail client would.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"
#include "ticket/ticket_test_support.hpp"

namespace seatd::testing {
namespace {

namespace t = seatd::tickets::testing;
using namespace std::chrono_literals;

class outbox_mail : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!t::executable(t::system_python)) GTEST_SKIP() << "python3 missing";
  }

  // A seatd with the two-trip schedule and one traveller; returns the traveller's token.
  void start(std::map<std::string, std::string> env) {
    env.try_emplace("MAIL_FROM", "ABC Tickets <tickets@abc.example>");
    server_ = std::make_unique<seatd_process>(std::vector<std::string>{}, env);
    client_ = std::make_unique<http_client>(server_->port());
    const std::string admin = make_admin(*server_, *client_);
    ASSERT_EQ(upload(*client_, admin, "schedule.csv", two_trips_csv).status, 200);
    email_ = unique_email("rider");
    token_ = signup_and_login(*client_, email_);
  }

  std::string book(int trip, std::vector<int> seats) {
    for (int s : seats) EXPECT_EQ(lock_seat(*client_, token_, trip, s).status, 200);
    auto r = book_seats(*client_, token_, trip, seats);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("booking_number").as_string()) : "";
  }

  // Waits for `n` .eml files; then a little longer, so a duplicate would have time to show.
  std::vector<std::filesystem::path> mails(const std::filesystem::path& dir, std::size_t n) {
    EXPECT_TRUE(t::wait_until([&] { return t::eml_files(dir).size() >= n; }, 10s))
        << t::eml_files(dir).size() << " of " << n << " messages in " << dir << "\n"
        << server_->log_text();
    std::this_thread::sleep_for(1500ms);
    return t::eml_files(dir);
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> client_;
  std::string email_;
  std::string token_;
};

TEST_F(outbox_mail, a_booking_mails_one_confirmation_with_the_boarding_pass) {
  t::scratch_dir dir;
  start({{"SEATD_MAIL_DIR", dir.path().string()}});
  const std::string number = book(1, {7, 8});
  ASSERT_FALSE(number.empty());

  const auto files = mails(dir.path(), 1);
  ASSERT_EQ(files.size(), 1u) << "exactly one message per booking";
  auto m = t::check_mail(files[0]);
  EXPECT_EQ(m["to"], "User <" + email_ + ">");
  EXPECT_EQ(m["from"], "ABC Tickets <tickets@abc.example>");
  EXPECT_NE(m["subject"].find("Your ticket " + number), std::string::npos) << m["subject"];
  EXPECT_NE(m["subject"].find("Chennai"), std::string::npos) << m["subject"];
  EXPECT_TRUE(std::regex_match(m["message-id"],
                               std::regex("<seatd\\.outbox\\.[0-9]+\\." + number + "@abc\\.example>")))
      << m["message-id"];
  EXPECT_EQ(m["parts"],
            "multipart/mixed multipart/alternative text/plain text/html application/pdf");
  EXPECT_TRUE(m["attachment"].starts_with("boarding-pass-" + number + ".pdf "))
      << m["attachment"];
  EXPECT_TRUE(m["attachment"].ends_with(" %PDF-")) << m["attachment"];
  EXPECT_EQ(m["defects"], "0");
  // The file is named after the Message-ID (mail_dir_sender), so a resend replaces it.
  EXPECT_NE(files[0].filename().string().find(number), std::string::npos) << files[0];
  EXPECT_EQ(server_->stop(), 0);
}

TEST_F(outbox_mail, a_cancellation_mails_the_cancellation_without_a_pass) {
  t::scratch_dir dir;
  start({{"SEATD_MAIL_DIR", dir.path().string()}});
  const std::string number = book(2, {3});
  ASSERT_FALSE(number.empty());
  auto first = mails(dir.path(), 1);
  ASSERT_EQ(first.size(), 1u);
  const std::string confirmation_id = t::check_mail(first[0])["message-id"];

  auto r = client_->post_json("/bookings/" + number + "/cancel", boost::json::object{}, token_);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto files = mails(dir.path(), 2);
  ASSERT_EQ(files.size(), 2u) << "one confirmation, one cancellation";
  std::map<std::string, std::string> cancellation;
  for (const auto& f : files) {
    auto m = t::check_mail(f);
    if (m["message-id"] != confirmation_id) cancellation = m;
  }
  ASSERT_FALSE(cancellation.empty()) << "the cancellation reuses the confirmation's Message-ID";
  EXPECT_TRUE(cancellation["subject"].starts_with("Cancelled: booking " + number))
      << cancellation["subject"];
  EXPECT_EQ(cancellation["to"], "User <" + email_ + ">");
  EXPECT_TRUE(std::regex_match(cancellation["message-id"],
                               std::regex("<seatd\\.outbox\\.[0-9]+\\." + number + "@abc\\.example>")))
      << cancellation["message-id"];
  EXPECT_EQ(cancellation["parts"], "multipart/mixed multipart/alternative text/plain text/html");
  EXPECT_EQ(cancellation.count("attachment"), 0u) << cancellation["attachment"];
  EXPECT_EQ(server_->stop(), 0);
}

// Without SEATD_MAIL_DIR the messages go to mail/ beside the SQLite database file.
TEST_F(outbox_mail, the_default_mail_directory_is_beside_the_database) {
  start({});
  const std::string number = book(1, {1});
  ASSERT_FALSE(number.empty());
  const auto files = mails(server_->dir() / "mail", 1);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(t::read_file(files[0]).find(number), std::string::npos);
  EXPECT_EQ(server_->stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
