// Reconnect backoff policy and the error category.
#include <gtest/gtest.h>

#include "redis/backoff.hpp"
#include "redis/errc.hpp"

namespace seatd::redis {
namespace {

using std::chrono::milliseconds;

TEST(redis_backoff, doubles_from_initial_up_to_max) {
  backoff_policy p{milliseconds(50), milliseconds(2000), 0.0};
  EXPECT_EQ(backoff_delay(p, 0, 0.7), milliseconds(50));
  EXPECT_EQ(backoff_delay(p, 1, 0.7), milliseconds(100));
  EXPECT_EQ(backoff_delay(p, 5, 0.7), milliseconds(1600));
  EXPECT_EQ(backoff_delay(p, 6, 0.7), milliseconds(2000));
  EXPECT_EQ(backoff_delay(p, 1000000, 0.7), milliseconds(2000));  // no overflow
}

TEST(redis_backoff, jitter_shortens_within_its_fraction) {
  backoff_policy p{milliseconds(100), milliseconds(2000), 0.5};
  EXPECT_EQ(backoff_delay(p, 0, 0.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(p, 0, 0.5), milliseconds(75));
  EXPECT_EQ(backoff_delay(p, 0, 0.999), milliseconds(50));
  EXPECT_EQ(backoff_delay(p, 10, 1.5), milliseconds(1000));  // unit clamped to 1
  EXPECT_EQ(backoff_delay(p, 10, -1.0), milliseconds(2000));
}

TEST(redis_backoff, zero_initial_still_grows) {
  backoff_policy p{milliseconds(0), milliseconds(8), 0.0};
  EXPECT_EQ(backoff_delay(p, 0, 0), milliseconds(1));
  EXPECT_EQ(backoff_delay(p, 3, 0), milliseconds(8));
  backoff_policy none{milliseconds(0), milliseconds(0), 0.0};
  EXPECT_EQ(backoff_delay(none, 3, 0), milliseconds(0));
}

TEST(redis_errc, messages_and_outage_classification) {
  boost::system::error_code ec = errc::timeout;
  EXPECT_EQ(ec.category().name(), std::string("redis"));
  EXPECT_EQ(ec.message(), "Redis command timed out");
  for (auto e : {errc::unavailable, errc::timeout, errc::connection_lost, errc::overloaded,
                 errc::stopped}) {
    EXPECT_TRUE(is_unavailable(e)) << make_error_code(e).message();
  }
  for (auto e : {errc::protocol, errc::server_error, errc::bad_url, errc::bad_command}) {
    EXPECT_FALSE(is_unavailable(e)) << make_error_code(e).message();
  }
  EXPECT_FALSE(is_unavailable(boost::system::error_code()));
  EXPECT_FALSE(is_unavailable(make_error_code(boost::system::errc::timed_out)));
}

}  // namespace
}  // namespace seatd::redis
