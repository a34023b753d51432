// reply values and the hiredis-backed reply_reader, fed canned RESP bytes.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "redis/errc.hpp"
#include "redis/reply.hpp"
#include "redis/reply_reader.hpp"

namespace seatd::redis {
namespace {

using namespace std::string_literals;

// Feeds all bytes and expects exactly one complete reply.
reply parse_one(std::string_view bytes, reader_limits limits = {}) {
  reply_reader reader(limits);
  reader.feed(bytes);
  auto r = reader.next();
  EXPECT_TRUE(r.has_value()) << reader.error_message();
  if (!r || !*r) {
    ADD_FAILURE() << "no complete reply in " << bytes;
    return {};
  }
  auto more = reader.next();
  EXPECT_TRUE(more && !*more) << "trailing data";
  return std::move(**r);
}

TEST(redis_reply_reader, parses_every_scalar_type) {
  EXPECT_EQ(parse_one("+OK\r\n"), reply::make_status("OK"));
  EXPECT_EQ(parse_one("-ERR unknown command\r\n"), reply::make_error("ERR unknown command"));
  EXPECT_EQ(parse_one(":42\r\n"), reply::make_integer(42));
  EXPECT_EQ(parse_one(":-9223372036854775808\r\n"), reply::make_integer(INT64_MIN));
  EXPECT_EQ(parse_one("$5\r\nhello\r\n"), reply::make_string("hello"));
  EXPECT_EQ(parse_one("$0\r\n\r\n"), reply::make_string(""));
  EXPECT_EQ(parse_one("$-1\r\n"), reply::make_nil());
  EXPECT_EQ(parse_one("*-1\r\n"), reply::make_nil());
  EXPECT_EQ(parse_one("*0\r\n"), reply::make_array({}));
}

TEST(redis_reply_reader, bulk_strings_are_binary_safe) {
  auto r = parse_one("$7\r\na\0b\r\nc\xff\r\n"s);
  ASSERT_TRUE(r.is_string());
  EXPECT_EQ(r.str(), "a\0b\r\nc\xff"s);
}

TEST(redis_reply_reader, parses_nested_arrays) {
  auto r = parse_one("*3\r\n*2\r\n:1\r\n$3\r\nabc\r\n$-1\r\n*1\r\n*1\r\n+deep\r\n");
  auto expected = reply::make_array(
      {reply::make_array({reply::make_integer(1), reply::make_string("abc")}), reply::make_nil(),
       reply::make_array({reply::make_array({reply::make_status("deep")})})});
  EXPECT_EQ(r, expected) << r.debug_string();
}

TEST(redis_reply_reader, large_array_of_arrays_keeps_every_element) {
  // Appending children reallocates the parent's vector; the parse must stay correct.
  std::string bytes = "*5000\r\n";
  for (int i = 0; i < 5000; ++i) {
    std::string v = std::to_string(i);
    bytes += "*2\r\n:" + v + "\r\n$" + std::to_string(v.size()) + "\r\n" + v + "\r\n";
  }
  auto r = parse_one(bytes);
  ASSERT_EQ(r.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(r[i][0].integer(), i);
    ASSERT_EQ(r[i][1].str(), std::to_string(i));
  }
}

TEST(redis_reply_reader, assembles_replies_fed_byte_by_byte) {
  const std::string bytes = "*2\r\n$5\r\nhello\r\n:7\r\n+PONG\r\n";
  reply_reader reader;
  std::vector<reply> got;
  for (char c : bytes) {
    reader.feed(std::string_view(&c, 1));
    for (;;) {
      auto r = reader.next();
      ASSERT_TRUE(r);
      if (!*r) break;
      got.push_back(std::move(**r));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], reply::make_array({reply::make_string("hello"), reply::make_integer(7)}));
  EXPECT_EQ(got[1], reply::make_status("PONG"));
}

TEST(redis_reply_reader, several_replies_in_one_feed_come_out_in_order) {
  reply_reader reader;
  reader.feed(":1\r\n:2\r\n:3\r\n$2\r\nxy");
  for (int i = 1; i <= 3; ++i) {
    auto r = reader.next();
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->integer(), i);
  }
  auto partial = reader.next();
  ASSERT_TRUE(partial);
  EXPECT_FALSE(*partial);  // "$2\r\nxy" lacks its CRLF
  EXPECT_GT(reader.buffered(), 0u);
  reader.feed("\r\n");
  auto last = reader.next();
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->str(), "xy");
}

TEST(redis_reply_reader, protocol_error_is_sticky_until_reset) {
  reply_reader reader;
  reader.feed("?what\r\n");
  auto r = reader.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::protocol);
  EXPECT_FALSE(reader.error_message().empty());
  reader.feed(":1\r\n");
  EXPECT_FALSE(reader.next());
  reader.reset();
  reader.feed(":1\r\n");
  auto ok = reader.next();
  ASSERT_TRUE(ok && *ok);
  EXPECT_EQ((*ok)->integer(), 1);
}

TEST(redis_reply_reader, rejects_too_many_elements) {
  reply_reader reader({.max_reply_bytes = 1 << 20, .max_elements = 10});
  reader.feed("*11\r\n");
  auto r = reader.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::protocol);
  EXPECT_NE(reader.error_message().find("limits"), std::string::npos);
}

TEST(redis_reply_reader, counts_elements_across_nested_arrays) {
  reply_reader reader({.max_reply_bytes = 1 << 20, .max_elements = 5});
  reader.feed("*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*3\r\n:4\r\n:5\r\n:6\r\n");
  EXPECT_FALSE(reader.next());
}

TEST(redis_reply_reader, rejects_an_oversized_bulk_while_it_is_still_arriving) {
  reply_reader reader({.max_reply_bytes = 100, .max_elements = 10});
  reader.feed("$1000\r\n");
  reader.feed(std::string(60, 'x'));
  auto first = reader.next();
  ASSERT_TRUE(first);  // 67 bytes buffered: still within the cap
  EXPECT_FALSE(*first);
  reader.feed(std::string(60, 'x'));
  auto second = reader.next();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), errc::protocol);
}

TEST(redis_reply_reader, rejects_an_array_whose_strings_exceed_the_cap) {
  reply_reader reader({.max_reply_bytes = 10, .max_elements = 10});
  reader.feed("*2\r\n$6\r\nabcdef\r\n$6\r\nghijkl\r\n");
  EXPECT_FALSE(reader.next());
}

TEST(redis_reply_reader, rejects_nesting_deeper_than_hiredis_supports) {
  reply_reader reader;
  std::string bytes;
  for (int i = 0; i < 10; ++i) bytes += "*1\r\n";
  bytes += ":1\r\n";
  reader.feed(bytes);
  EXPECT_FALSE(reader.next());
}

TEST(redis_reply, accessors_check_the_type) {
  auto i = reply::make_integer(5);
  EXPECT_EQ(i.integer(), 5);
  EXPECT_THROW((void)i.str(), std::logic_error);
  EXPECT_THROW((void)i.elements(), std::logic_error);
  EXPECT_THROW((void)reply::make_string("x").integer(), std::logic_error);
  EXPECT_EQ(reply::make_error("ERR boom").str(), "ERR boom");
}

TEST(redis_reply, error_kind_is_the_first_word) {
  EXPECT_EQ(reply::make_error("NOSCRIPT No matching script").error_kind(), "NOSCRIPT");
  EXPECT_EQ(reply::make_error("WRONGTYPE").error_kind(), "WRONGTYPE");
  EXPECT_EQ(reply::make_status("OK").error_kind(), "");
}

TEST(redis_reply, to_integer_reads_integers_and_decimal_strings) {
  EXPECT_EQ(reply::make_integer(-3).to_integer(), -3);
  EXPECT_EQ(reply::make_string("1234").to_integer(), 1234);
  EXPECT_EQ(reply::make_string("12x").to_integer(), std::nullopt);
  EXPECT_EQ(reply::make_string("").to_integer(), std::nullopt);
  EXPECT_EQ(reply::make_nil().to_integer(), std::nullopt);
}

TEST(redis_reply, debug_string_shows_structure_and_escapes_bytes) {
  auto r = reply::make_array({reply::make_nil(), reply::make_status("OK"),
                              reply::make_error("ERR x"), reply::make_integer(3),
                              reply::make_string("a\"\n\0"s)});
  EXPECT_EQ(r.debug_string(), R"([nil, +OK, -ERR x, :3, "a\"\x0a\x00"])");
}

TEST(redis_reply, take_str_moves_the_text) {
  auto r = reply::make_string(std::string(100, 'z'));
  std::string s = r.take_str();
  EXPECT_EQ(s.size(), 100u);
}

}  // namespace
}  // namespace seatd::redis
