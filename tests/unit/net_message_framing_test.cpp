#include <gtest/gtest.h>

#include "net/message_framing.hpp"

namespace {

using seatd::net::check_framing;
using seatd::net::framing;

TEST(net_message_framing, content_length_alone_or_nothing_is_fine) {
  EXPECT_EQ(check_framing(false, "", true), framing::ok);
  EXPECT_EQ(check_framing(false, "", false), framing::ok);
}

TEST(net_message_framing, chunked_alone_is_fine_in_any_case) {
  EXPECT_EQ(check_framing(true, "chunked", false), framing::ok);
  EXPECT_EQ(check_framing(true, " Chunked ", false), framing::ok);
  EXPECT_EQ(check_framing(true, "CHUNKED", false), framing::ok);
}

TEST(net_message_framing, final_coding_not_chunked_is_400) {
  for (auto te : {"gzip", "identity", "xchunked", "chunked, identity", "chunked,gzip", "", " , ",
                  "chunked;q=1"})
    EXPECT_EQ(check_framing(true, te, false), framing::bad_request) << te;
}

TEST(net_message_framing, chunked_twice_is_400) {
  EXPECT_EQ(check_framing(true, "chunked, chunked", false), framing::bad_request);
  EXPECT_EQ(check_framing(true, "chunked,gzip,chunked", false), framing::bad_request);
}

TEST(net_message_framing, both_lengths_is_400) {
  EXPECT_EQ(check_framing(true, "chunked", true), framing::bad_request);
  EXPECT_EQ(check_framing(true, "gzip", true), framing::bad_request);
}

TEST(net_message_framing, codings_seatd_does_not_decode_are_501) {
  EXPECT_EQ(check_framing(true, "gzip, chunked", false), framing::not_implemented);
  EXPECT_EQ(check_framing(true, "deflate,chunked", false), framing::not_implemented);
}

}  // namespace
