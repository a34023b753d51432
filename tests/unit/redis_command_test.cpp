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

TEST(redis_command, encodes_as_resp_array_of_bulk_strings) {
  EXPECT_EQ((command{"SET", "k", "v"}.encode()), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(command{"PING"}.encode(), "*1\r\n$4\r\nPING\r\n");
}

TEST(redis_command, arguments_are_binary_safe) {
  command c;
  c.push("SET").push("k"s).push("a\0b\r\n"s).push("");
  EXPECT_EQ(c.encode(), "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0b\r\n\r\n$0\r\n\r\n"s);
}

TEST(redis_command, integers_are_formatted_in_decimal) {
  command c;
  c.push("PEXPIRE").push("k").push(30000).push(-1LL).push(std::uint64_t{18446744073709551615u});
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[2], "30000");
  EXPECT_EQ(c[3], "-1");
  EXPECT_EQ(c[4], "18446744073709551615");
}

TEST(redis_command, push_all_and_push_range_mix_argument_kinds) {
  std::vector<std::string> fields{"f1", "f2"};
  std::array<std::string_view, 1> more{"f3"};
  command c;
  c.push_all("HMGET", "key"s, std::string_view("x")).push_range(fields).push_range(more);
  EXPECT_EQ(c.args(), (std::vector<std::string>{"HMGET", "key", "x", "f1", "f2", "f3"}));
  command d;
  d.push_all("INCRBY", "n", 5);
  EXPECT_EQ(d.args(), (std::vector<std::string>{"INCRBY", "n", "5"}));
}

TEST(redis_command, encoded_command_parses_back_to_its_arguments) {
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

TEST(redis_command, encode_command_takes_views) {
  std::array<std::string_view, 2> args{"GET", "k"};
  EXPECT_EQ(encode_command(args), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

}  // namespace
}  // namespace seatd::redis
