// mail_dir_sender on a real file system: the file's name and bytes, one file per Message-ID
// however often it is sent, no temporary file left behind, and a reader that never sees half
// a message while the same id is being rewritten.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "domain/clock.hpp"
#include "ticket/errc.hpp"
#include "ticket/mail_dir_sender.hpp"
#include "ticket/ticket_test_support.hpp"

namespace {

using namespace seatd::tickets;
namespace t = seatd::tickets::testing;
using namespace std::chrono;

outgoing_mail mail(const std::string& id, std::string body = "hello") {
  outgoing_mail m;
  m.envelope_from = "tickets@seatd.test";
  m.recipients = {"zoe@example.com"};
  m.message_id = id;
  m.data = "Message-ID: <" + id + ">\r\n\r\n" + body + "\r\n";
  return m;
}

class ticket_mail_dir_sender : public ::testing::Test {
 protected:
  seatd::manual_clock clock_{seatd::sys_ms{milliseconds{1'796'452'732'123}}};  // 2026-12-05 06:38:52.123
  t::scratch_dir scratch_;
  std::filesystem::path dir_ = scratch_.path() / "mail" / "out";  // does not exist yet
  mail_dir_sender sender_{dir_, clock_};
};

TEST_F(ticket_mail_dir_sender, writes_one_named_file_creating_the_directory) {
  const outgoing_mail m = mail("booking-ABC-1A2B3C.1@seatd.test");
  ASSERT_TRUE(sender_.send(m));
  const auto files = t::eml_files(dir_);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].filename(), "20261205T063852.123Z-booking-ABC-1A2B3C.1@seatd.test.eml");
  EXPECT_EQ(t::read_file(files[0]), m.data);
}

TEST_F(ticket_mail_dir_sender, the_same_message_id_twice_replaces_its_file) {
  ASSERT_TRUE(sender_.send(mail("once@seatd.test", "first")));
  clock_.advance(minutes(5));
  ASSERT_TRUE(sender_.send(mail("once@seatd.test", "second")));
  ASSERT_TRUE(sender_.send(mail("other@seatd.test")));
  const auto files = t::eml_files(dir_);
  ASSERT_EQ(files.size(), 2U);
  // The resend kept the first file's name (and timestamp) and replaced its content.
  EXPECT_EQ(files[0].filename(), "20261205T063852.123Z-once@seatd.test.eml");
  EXPECT_EQ(t::read_file(files[0]), mail("once@seatd.test", "second").data);
  EXPECT_EQ(files[1].filename(), "20261205T064352.123Z-other@seatd.test.eml");
  // Nothing else in the directory: no temporary file left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 2U);
}

TEST_F(ticket_mail_dir_sender, unsafe_ids_are_sanitized_without_colliding) {
  ASSERT_TRUE(sender_.send(mail("../../etc/x y@seatd")));
  ASSERT_TRUE(sender_.send(mail("../../etc/x_y@seatd")));
  const auto files = t::eml_files(dir_);
  ASSERT_EQ(files.size(), 2U);
  for (const auto& f : files) EXPECT_EQ(f.parent_path(), dir_);
  EXPECT_EQ(mail_dir_sender::sanitize_message_id("a.b-c+d@e_f"), "a.b-c+d@e_f");
  const std::string s = mail_dir_sender::sanitize_message_id("../x y");
  EXPECT_EQ(s.substr(0, 7), "_._x_y~");
  EXPECT_EQ(s.size(), 7U + 16U);
  EXPECT_LE(mail_dir_sender::sanitize_message_id(std::string(500, 'a')).size(), 100U + 17U);
}

TEST_F(ticket_mail_dir_sender, a_reader_never_sees_half_a_message) {
  // Two versions of one message, both large; while a writer alternates between them, every
  // read of the file must be one version whole.
  const std::string a = mail("big@seatd.test", std::string(2'000'000, 'a')).data;
  const std::string b = mail("big@seatd.test", std::string(1'000'000, 'b')).data;
  ASSERT_TRUE(sender_.send(mail("big@seatd.test", std::string(2'000'000, 'a'))));
  const auto path = t::eml_files(dir_).at(0);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(sender_.send(mail("big@seatd.test", std::string(i % 2 ? 2'000'000 : 1'000'000, i % 2 ? 'a' : 'b'))));
    }
    done = true;
  });
  int reads = 0;
  while (!done || reads == 0) {
    const std::string seen = t::read_file(path);
    EXPECT_TRUE(seen == a || seen == b) << "torn read of " << seen.size() << " bytes";
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
}

TEST_F(ticket_mail_dir_sender, io_failures_are_retryable_and_bad_input_is_not) {
  const auto file = scratch_.path() / "a-file";
  std::ofstream(file) << "x";
  mail_dir_sender blocked(file / "sub", clock_);  // a directory cannot be made inside a file
  auto r = blocked.send(mail("x@seatd.test"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().retryable()) << r.error().detail;

  outgoing_mail empty = mail("");
  auto bad = sender_.send(empty);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, make_error_code(errc::mail_invalid));
  EXPECT_FALSE(bad.error().retryable());
}

}  // namespace
