#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "ticket/errc.hpp"
#include "ticket/mail_sender.hpp"

namespace {

using seatd::tickets::errc;
using seatd::tickets::send_error;
using seatd::tickets::send_result;

TEST(ticket_mail_sender, only_mail_retryable_is_retryable) {
  EXPECT_TRUE((send_error{make_error_code(errc::mail_retryable), "421"}).retryable());
  EXPECT_FALSE((send_error{make_error_code(errc::mail_permanent), "550"}).retryable());
  EXPECT_FALSE((send_error{make_error_code(errc::mail_invalid), "bad url"}).retryable());
}

TEST(ticket_mail_sender, value_of_a_failed_send_throws_with_the_detail) {
  const send_result r = send_error{make_error_code(errc::mail_permanent), "550 5.1.1 no such user"};
  try {
    r.value();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("550 5.1.1 no such user"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(send_result{}.value());
}

TEST(ticket_errc, every_code_has_its_own_message) {
  std::set<std::string> seen;
  for (int e = 0; e <= static_cast<int>(errc::mail_invalid); ++e) {
    const std::string m = make_error_code(static_cast<errc>(e)).message();
    EXPECT_NE(m, "unknown seatd.ticket error") << e;
    EXPECT_TRUE(seen.insert(m).second) << "duplicate message: " << m;
  }
  EXPECT_STREQ(make_error_code(errc::code_forged).category().name(), "seatd.ticket");
}

}  // namespace
