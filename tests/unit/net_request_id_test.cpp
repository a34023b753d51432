// The request id rule: a trusted proxy's well-formed id is kept, anything else is replaced.
#include "net/request_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace seatd::net {
namespace {

bool looks_generated(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(request_id, well_formed_ids_are_short_and_of_a_safe_charset) {
  for (const char* ok : {"a", "0f8fad5b-d9cb-469f-a165-70867728950e", "4bf92f3577b34da6a3ce929d0e0e4736",
                         "Root.1_x:y-z"})
    EXPECT_TRUE(well_formed_request_id(ok)) << ok;
  EXPECT_TRUE(well_formed_request_id(std::string(max_request_id_length, 'x')));
  EXPECT_FALSE(well_formed_request_id(std::string(max_request_id_length + 1, 'x')));
  for (const char* bad : {"", "a b", "a\nb", "a\"b", "a\\b", "a;b", "a=b", "<script>", "caf\xC3\xA9",
                          "a\tb", "a,b"})
    EXPECT_FALSE(well_formed_request_id(bad)) << bad;
}

TEST(request_id, generated_ids_are_hex_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_request_id();
    ASSERT_TRUE(looks_generated(id)) << id;
    ASSERT_TRUE(well_formed_request_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(request_id, only_a_trusted_proxy_names_the_request) {
  EXPECT_EQ(request_id_for("lb-id-1", true), "lb-id-1");
  auto forged = request_id_for("lb-id-1", false);  // a client's own header
  EXPECT_NE(forged, "lb-id-1");
  EXPECT_TRUE(looks_generated(forged));
  EXPECT_TRUE(looks_generated(request_id_for("", true)));            // the proxy sent none
  EXPECT_TRUE(looks_generated(request_id_for("bad id\n", true)));    // malformed
  EXPECT_TRUE(looks_generated(request_id_for(std::string(65, 'a'), true)));  // too long
}

}  // namespace
}  // namespace seatd::net
