// The client-frame reader is the one place hostile WebSocket bytes reach: thousands of seeded
// random inputs, both noise and valid frames cut at random points, must never crash it, never
// make it hold more than one message's worth of bytes, and decode valid traffic exactly.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "net/ws_wire.hpp"

namespace {

namespace ws = seatd::net::ws;
using kind = ws::client_reader::kind;

constexpr std::size_t max_message = 4096;

std::string masked_frame(std::mt19937& rng, std::uint8_t first_byte, const std::string& payload) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  }
  char key[4];
  for (char& k : key) k = static_cast<char>(rng() & 0xFF);
  out.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return out;
}

TEST(net_ws_wire_fuzz, random_bytes_never_crash_or_grow_the_buffer) {
  std::mt19937 rng(20261126);
  for (int round = 0; round < 5000; ++round) {
    ws::client_reader reader(max_message);
    std::string in;
    bool ended = false;
    for (int chunk = 0; chunk < 20 && !ended; ++chunk) {
      std::size_t n = rng() % 200;
      for (std::size_t i = 0; i < n; ++i) {
        // Bias the first bytes toward plausible headers so deeper paths are reached.
        std::uint8_t b = static_cast<std::uint8_t>(rng());
        if (in.empty() && rng() % 2) b = static_cast<std::uint8_t>(0x80 | (rng() % 11));
        in.push_back(static_cast<char>(b));
      }
      for (;;) {
        auto r = reader.next(in);
        if (r.what == kind::need_more) break;
        if (r.what == kind::error || r.what == kind::close || r.what == kind::binary) {
          ended = true;  // the session stops reading here
          break;
        }
        if (r.what == kind::text) {
          EXPECT_LE(r.payload.size(), max_message);
        }
        if (r.what == kind::ping) {
          EXPECT_LE(r.payload.size(), 125u);
        }
      }
      // Undecided bytes are at most one frame: header (14) + the largest message allowed.
      if (!ended) {
        ASSERT_LE(in.size(), max_message + 14 + 200) << "round " << round;
      }
    }
  }
}

TEST(net_ws_wire_fuzz, valid_traffic_cut_anywhere_decodes_exactly) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string wire;
    std::vector<std::string> texts;
    int pings = 0;
    for (int m = 0; m < 8; ++m) {
      std::string text(rng() % 300, 'a');
      for (char& c : text) c = static_cast<char>('a' + rng() % 26);
      texts.push_back(text);
      // Fragment it into up to three frames, with a ping between fragments now and then.
      std::size_t cut1 = text.empty() ? 0 : rng() % (text.size() + 1);
      std::size_t cut2 = cut1 + (text.size() == cut1 ? 0 : rng() % (text.size() - cut1 + 1));
      std::vector<std::string> parts{text.substr(0, cut1), text.substr(cut1, cut2 - cut1),
                                     text.substr(cut2)};
      for (std::size_t p = 0; p < parts.size(); ++p) {
        bool last = p + 1 == parts.size();
        std::uint8_t op = p == 0 ? 0x1 : 0x0;
        wire += masked_frame(rng, static_cast<std::uint8_t>((last ? 0x80 : 0) | op), parts[p]);
        if (!last && rng() % 4 == 0) {
          wire += masked_frame(rng, 0x89, "hb");
          ++pings;
        }
      }
    }
    ws::client_reader reader(max_message);
    std::string in;
    std::vector<std::string> got;
    int got_pings = 0;
    for (std::size_t at = 0; at < wire.size();) {
      std::size_t n = 1 + rng() % 64;
      in.append(wire, at, n);
      at += n;
      for (auto r = reader.next(in); r.what != kind::need_more; r = reader.next(in)) {
        ASSERT_TRUE(r.what == kind::text || r.what == kind::ping) << int(r.what);
        if (r.what == kind::text) got.push_back(r.payload);
        if (r.what == kind::ping) {
          EXPECT_EQ(r.payload, "hb");
          ++got_pings;
        }
      }
    }
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(got, texts) << "round " << round;
    EXPECT_EQ(got_pings, pings);
  }
}

}  // namespace
