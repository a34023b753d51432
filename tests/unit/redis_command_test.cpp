// Command encoding through redisFormatCommandArgv.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "redis/command.hpp"
#include "redis/reply_reader.hpp"

namespace seatd::redis {
namespace {

using namespace std::string_literals;

TEST(RedisCommand, EncodesAsRespArrayOfBulkStrings) {
  EXPECT_EQ((command{"SET", "k", "v"}.encode()), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(command{"PING"}.encode(), "*1\r\n$4\r\nPING\r\n");
}

TEST(RedisCommand, ArgumentsAreBinarySafe) {
  command c;
  c.push("SET").push("k"s).push("a\0b\r\n"s).push("");
  EXPECT_EQ(c.encode(), "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0b\r\n\r\n$0\r\n\r\n"s);
}

TEST(RedisCommand, IntegersAreFormattedInDecimal) {
  command c;
  c.push("PEXPIRE").push("k").push(30000).push(-1LL).push(std::uint64_t{18446744073709551615u});
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[2], "30000");
  EXPECT_EQ(c[3], "-1");
  EXPECT_EQ(c[4], "18446744073709551615");
}

TEST(RedisCommand, PushAllAndPushRangeMixArgumentKinds) {
  std::vector<std::string> fields{"f1", "f2"};
  std::array<std::string_view, 1> more{"f3"};
  command c;
  c.push_all("HMGET", "key"s, std::string_view("x")).push_range(fields).push_range(more);
  EXPECT_EQ(c.args(), (std::vector<std::string>{"HMGET", "key", "x", "f1", "f2", "f3"}));
  command d;
  d.push_all("INCRBY", "n", 5);
  EXPECT_EQ(d.args(), (std::vector<std::string>{"INCRBY", "n", "5"}));
}

TEST(RedisCommand, EncodedCommandParsesBackToItsArguments) {
  std::string big(100000, 'q');
  command c{"SET", "key", big};
  reply_reader reader;
  reader.feed(c.encode());
  auto r = reader.next();
  ASSERT_TRUE(r && *r);
  ASSERT_TRUE((*r)->is_array());
  ASSERT_EQ((*r)->size(), 3u);
  EXPECT_EQ((**r)[2].str(), big);
}

TEST(RedisCommand, EncodeCommandTakesViews) {
  std::array<std::string_view, 2> args{"GET", "k"};
  EXPECT_EQ(encode_command(args), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

}  // namespace
}  // namespace seatd::redis
