// A viewer's AUTH message read without trusting it (realtime/auth_message): every shape of
// junk is an answer (a refusal or "ignored"), never an exception.
#include <gtest/gtest.h>

#include <random>

#include "realtime/auth_message.hpp"

namespace seatd::realtime {
namespace {

std::string detail_of(const client_json& m) {
  auto* r = std::get_if<auth_refusal>(&m);
  return r ? std::string(r->detail) : std::string("(not a refusal)");
}

TEST(auth_message, json_is_text_starting_with_a_brace) {
  EXPECT_TRUE(is_client_json("{}"));
  EXPECT_TRUE(is_client_json(" \r\n\t{\"type\":\"AUTH\"}"));
  EXPECT_FALSE(is_client_json("ping"));
  EXPECT_FALSE(is_client_json("[1]"));
  EXPECT_FALSE(is_client_json(""));
  EXPECT_FALSE(is_client_json("   "));
}

TEST(auth_message, an_auth_with_a_token_is_a_request) {
  auto m = read_client_json(R"({"type":"AUTH","token":"a.b.c"})");
  auto* r = std::get_if<auth_request>(&m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->token, "a.b.c");
  // Other members are allowed (a client may add some); the order does not matter.
  m = read_client_json(R"({"token":"x","extra":[1,{"a":null}],"type":"AUTH"})");
  ASSERT_TRUE(std::get_if<auth_request>(&m));
  EXPECT_EQ(std::get<auth_request>(m).token, "x");
}

TEST(auth_message, refusals_name_what_is_wrong) {
  const std::string malformed = R"(malformed message: expected {"type":"AUTH","token":"..."})";
  const std::string missing = "token missing: expected a string";
  for (const auto& [text, detail] : std::vector<std::pair<std::string, std::string>>{
           {R"({"type":"AUTH"})", missing},
           {R"({"type":"AUTH","token":5})", missing},
           {R"({"type":"AUTH","token":null})", missing},
           {R"({"type":"AUTH","token":""})", missing},
           {R"({"type":"AUTH","token":["a"]})", missing},
           {R"({"type":5,"token":"a"})", malformed},
           {R"({"token":"a"})", malformed},
           {"{", malformed},
           {"{}", malformed},
           {R"({"type":"AUTH","token":"a"} trailing)", malformed},
           {R"({"type":"AUTH","token":"\ud800"})", malformed},
           {std::string(100, '{'), malformed},
           {"{\"a\":" + std::string(50, '[') + std::string(50, ']') + "}", malformed},
           {R"({"type":"AUTH","token":")" + std::string(3000, 'x') + "\"}", "message too large"},
       })
    EXPECT_EQ(detail_of(read_client_json(text)), detail) << text.substr(0, 60);
  EXPECT_EQ(detail_of(read_client_json(std::string(max_auth_bytes + 1, ' '))), "message too large");
}

TEST(auth_message, another_type_is_ignored) {
  EXPECT_TRUE(std::holds_alternative<ignored_message>(read_client_json(R"({"type":"HELLO"})")));
  EXPECT_TRUE(std::holds_alternative<ignored_message>(read_client_json(R"({"type":"auth","token":"a"})")));
}

// Fuzz-minded: mutations of a valid message (bytes flipped, cut, repeated) and random bytes,
// a few thousand of each — each is answered, none throws.
TEST(auth_message, random_and_mutated_input_never_throws) {
  const std::string valid = R"({"type":"AUTH","token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln"})";
  std::mt19937 rng(16);
  std::uniform_int_distribution<int> byte(0, 255);
  std::size_t requests = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text = valid;
    const int edits = 1 + i % 4;
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = char(byte(rng)); break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        case 2: text.insert(at, text.substr(0, rng() % text.size())); break;
        default: text.insert(at, 1, "{}[]\",:\\"[rng() % 8]); break;
      }
      if (text.empty()) text = "{";
    }
    EXPECT_NO_THROW({
      auto m = read_client_json(text);
      if (auto* r = std::get_if<auth_request>(&m)) {
        EXPECT_FALSE(r->token.empty());
        ++requests;
      }
    }) << text;
  }
  for (int i = 0; i < 2000; ++i) {
    std::string text(1 + rng() % 300, '\0');
    for (auto& c : text) c = char(byte(rng));
    text[0] = '{';
    EXPECT_NO_THROW(read_client_json(text));
  }
  EXPECT_GT(requests, 0u);  // some mutations still read as AUTH (e.g. a changed token)
}

}  // namespace
}  // namespace seatd::realtime
