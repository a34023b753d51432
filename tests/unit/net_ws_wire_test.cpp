#include <gtest/gtest.h>

#include <string>

#include "net/ws_wire.hpp"

namespace {

namespace ws = seatd::net::ws;
using kind = ws::client_reader::kind;

// A client frame as a browser sends it: masked with `key`.
std::string client_frame(std::uint8_t first_byte, std::string_view payload,
                         std::string_view key = "\x11\x22\x33\x44") {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((std::uint64_t(n) >> shift) & 0xFF));
  }
  out.append(key);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return out;
}

constexpr std::uint8_t fin_text = 0x81, text_more = 0x01, fin_cont = 0x80, cont_more = 0x00,
                       fin_binary = 0x82, fin_close = 0x88, fin_ping = 0x89, fin_pong = 0x8A;

TEST(net_ws_wire, server_frame_header_lengths) {
  EXPECT_EQ(ws::server_frame(ws::opcode::text, "pong"), std::string("\x81\x04pong", 6));
  const std::string mid(300, 'x');
  const auto f = ws::server_frame(ws::opcode::text, mid);
  ASSERT_EQ(f.size(), 4 + mid.size());
  EXPECT_EQ(std::uint8_t(f[1]), 126);
  EXPECT_EQ((std::uint8_t(f[2]) << 8) | std::uint8_t(f[3]), 300);
  const std::string big(70000, 'y');
  const auto g = ws::server_frame(ws::opcode::text, big);
  ASSERT_EQ(g.size(), 10 + big.size());
  EXPECT_EQ(std::uint8_t(g[1]), 127);
  EXPECT_EQ(g.substr(2, 8), std::string("\0\0\0\0\0\x01\x11\x70", 8));
}

TEST(net_ws_wire, close_frame_carries_code_and_cut_reason) {
  EXPECT_EQ(ws::close_frame(1008, "slow consumer"), std::string("\x88\x0f\x03\xf0slow consumer", 17));
  EXPECT_EQ(ws::close_frame(0, "ignored"), std::string("\x88\x00", 2));
  const auto f = ws::close_frame(4404, std::string(300, 'r'));
  EXPECT_EQ(std::uint8_t(f[1]), 125);
  EXPECT_EQ(f.size(), 127u);
}

TEST(net_ws_wire, decodes_masked_text_one_frame_at_a_time) {
  ws::client_reader r(4096);
  std::string in = client_frame(fin_text, "ping") + client_frame(fin_text, "hello");
  auto a = r.next(in);
  EXPECT_EQ(a.what, kind::text);
  EXPECT_EQ(a.payload, "ping");
  auto b = r.next(in);
  EXPECT_EQ(b.what, kind::text);
  EXPECT_EQ(b.payload, "hello");
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(r.next(in).what, kind::need_more);
}

TEST(net_ws_wire, waits_for_a_whole_frame_byte_by_byte) {
  ws::client_reader r(4096);
  const std::string whole = client_frame(fin_text, std::string(200, 'a'));  // 16-bit length
  std::string in;
  for (std::size_t i = 0; i + 1 < whole.size(); ++i) {
    in.push_back(whole[i]);
    ASSERT_EQ(r.next(in).what, kind::need_more) << "after " << i + 1 << " bytes";
  }
  in.push_back(whole.back());
  auto m = r.next(in);
  EXPECT_EQ(m.what, kind::text);
  EXPECT_EQ(m.payload, std::string(200, 'a'));
}

TEST(net_ws_wire, assembles_fragments_and_answers_control_frames_between_them) {
  ws::client_reader r(4096);
  std::string in = client_frame(text_more, "pi") + client_frame(fin_ping, "hb") +
                   client_frame(cont_more, "") + client_frame(fin_cont, "ng");
  auto p = r.next(in);
  EXPECT_EQ(p.what, kind::ping);
  EXPECT_EQ(p.payload, "hb");
  EXPECT_TRUE(r.in_message());
  auto m = r.next(in);
  EXPECT_EQ(m.what, kind::text);
  EXPECT_EQ(m.payload, "ping");
  EXPECT_FALSE(r.in_message());
}

TEST(net_ws_wire, pong_and_close_frames) {
  ws::client_reader r(4096);
  std::string in = client_frame(fin_pong, "x") + client_frame(fin_close, std::string("\x03\xe8" "bye", 5)) +
                   client_frame(fin_close, "");
  EXPECT_EQ(r.next(in).what, kind::pong);
  auto c = r.next(in);
  EXPECT_EQ(c.what, kind::close);
  EXPECT_EQ(c.code, 1000);
  EXPECT_EQ(c.payload, "bye");
  auto e = r.next(in);
  EXPECT_EQ(e.what, kind::close);
  EXPECT_EQ(e.code, 0);
  std::string app = client_frame(fin_close, "\x11\x94");  // 4500: the application's range
  auto a = r.next(app);
  EXPECT_EQ(a.what, kind::close);
  EXPECT_EQ(a.code, 4500);
}

TEST(net_ws_wire, message_size_limit_is_checked_at_the_header) {
  ws::client_reader r(4096);
  std::string exact = client_frame(fin_text, std::string(4096, 'a'));
  EXPECT_EQ(r.next(exact).what, kind::text);
  // Only the header of an oversized frame is needed to refuse it.
  std::string over = client_frame(fin_text, std::string(4097, 'a')).substr(0, 8);
  auto e = r.next(over);
  EXPECT_EQ(e.what, kind::error);
  EXPECT_EQ(e.code, ws::close_too_big);
  // Fragments count together.
  ws::client_reader f(4096);
  std::string parts = client_frame(text_more, std::string(3000, 'a')) +
                      client_frame(fin_cont, std::string(1097, 'a'));
  EXPECT_EQ(f.next(parts).what, kind::error);
}

TEST(net_ws_wire, refuses_binary_and_protocol_violations) {
  {
    ws::client_reader r(4096);
    std::string in = client_frame(fin_binary, "\x01\x02");
    EXPECT_EQ(r.next(in).what, kind::binary);
  }
  auto expect_protocol_error = [](std::string in) {
    ws::client_reader r(4096);
    auto e = r.next(in);
    EXPECT_EQ(e.what, kind::error);
    EXPECT_EQ(e.code, ws::close_protocol_error);
  };
  expect_protocol_error(std::string("\x81\x04ping", 6));                 // unmasked
  expect_protocol_error(client_frame(0xC1, "ping"));                       // RSV1 (no extension)
  expect_protocol_error(client_frame(0x83, "x"));                          // reserved opcode
  expect_protocol_error(client_frame(fin_cont, "x"));                      // continuation first
  expect_protocol_error(client_frame(0x09, "x"));                          // fragmented ping
  expect_protocol_error(client_frame(fin_ping, std::string(126, 'p')));    // control over 125
  expect_protocol_error(client_frame(fin_close, "\x03"));                  // close with 1 byte
  expect_protocol_error(client_frame(fin_close, "\x03\xed"));              // 1005: never sent
  expect_protocol_error(client_frame(fin_close, std::string("\x00\x10", 2)));  // 16: unassigned
  expect_protocol_error(client_frame(text_more, "a") + client_frame(fin_text, "b"));
  {
    ws::client_reader r(4096);
    std::string in = client_frame(text_more, "a") + client_frame(fin_text, "b");
    EXPECT_EQ(r.next(in).what, kind::error);
  }
}

TEST(net_ws_wire, utf8_validation_follows_rfc3629) {
  EXPECT_TRUE(ws::valid_utf8(""));
  EXPECT_TRUE(ws::valid_utf8("ping"));
  EXPECT_TRUE(ws::valid_utf8("\xc3\xa9"));                  // é
  EXPECT_TRUE(ws::valid_utf8("\xe2\x82\xb9"));              // ₹
  EXPECT_TRUE(ws::valid_utf8("\xf0\x9f\x9a\x8c"));          // 🚌
  EXPECT_TRUE(ws::valid_utf8("\xf4\x8f\xbf\xbf"));          // U+10FFFF
  EXPECT_TRUE(ws::valid_utf8("\xed\x9f\xbf"));              // U+D7FF, just below surrogates
  EXPECT_FALSE(ws::valid_utf8("\xff"));
  EXPECT_FALSE(ws::valid_utf8("\x80"));                     // a continuation byte first
  EXPECT_FALSE(ws::valid_utf8("\xc3"));                     // cut short
  EXPECT_FALSE(ws::valid_utf8("\xc0\xaf"));                 // overlong '/'
  EXPECT_FALSE(ws::valid_utf8("\xe0\x80\xaf"));             // overlong
  EXPECT_FALSE(ws::valid_utf8("\xf0\x80\x80\xaf"));         // overlong
  EXPECT_FALSE(ws::valid_utf8("\xed\xa0\x80"));             // U+D800, a surrogate
  EXPECT_FALSE(ws::valid_utf8("\xf4\x90\x80\x80"));         // above U+10FFFF
  EXPECT_FALSE(ws::valid_utf8("\xe2\x82"));                 // cut short
  EXPECT_FALSE(ws::valid_utf8("a\xe2\x28\xa1"));            // bad continuation
}

// Issue 11 item 10: invalid UTF-8 in a text message or a close reason was accepted; RFC 6455
// 8.1 requires failing the connection with 1007.
TEST(net_ws_wire, invalid_utf8_text_or_close_reason_is1007) {
  {
    ws::client_reader r(4096);
    std::string in = client_frame(fin_text, "pi\xffng");
    auto e = r.next(in);
    EXPECT_EQ(e.what, kind::error);
    EXPECT_EQ(e.code, ws::close_invalid_payload);
  }
  {
    // Fragments are checked as one message: a character split between two is fine...
    ws::client_reader r(4096);
    std::string in = client_frame(text_more, "\xe2\x82") + client_frame(fin_cont, "\xb9");
    auto t = r.next(in);
    EXPECT_EQ(t.what, kind::text);
    EXPECT_EQ(t.payload, "\xe2\x82\xb9");
  }
  {
    // ...one left incomplete at the end is not.
    ws::client_reader r(4096);
    std::string in = client_frame(text_more, "ok") + client_frame(fin_cont, "\xe2\x82");
    auto e = r.next(in);
    EXPECT_EQ(e.what, kind::error);
    EXPECT_EQ(e.code, ws::close_invalid_payload);
  }
  {
    ws::client_reader r(4096);
    std::string in = client_frame(fin_close, std::string("\x03\xe8" "by\xc0\xaf" "e", 7));
    auto e = r.next(in);
    EXPECT_EQ(e.what, kind::error);
    EXPECT_EQ(e.code, ws::close_invalid_payload);
  }
}

}  // namespace
