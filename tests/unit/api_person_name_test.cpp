// printable_name: what a passenger's or an account's name may be (it is printed on boarding
// passes, e-mails and CSV manifests).
#include "api/person_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace seatd::api {
namespace {

TEST(person_name, ordinary_names_in_any_script_pass) {
  for (const char* n : {"Asha Rao", "Zoë Núñez", "முருகன்", "प्रिया शर्मा", "李小龍", "محمد",
                        "O'Brien-Smith", "Jean\xC2\xA0Luc", "👩‍🚀 Sam"})
    EXPECT_TRUE(printable_name(n, 80)) << n;
}

TEST(person_name, the_length_counts_characters_not_bytes) {
  std::string eighty;
  for (int i = 0; i < 80; ++i) eighty += "é";
  EXPECT_TRUE(printable_name(eighty, 80));
  EXPECT_FALSE(printable_name(eighty + "é", 80));
  EXPECT_FALSE(printable_name("", 80));
}

TEST(person_name, control_invisible_and_bidirectional_characters_are_refused) {
  for (const char* n : {"A\nB", "A\rB", "A\tB", "A\x7F", "A\xC2\x85" "B",  // C0, DEL, NEL
                        "\xE2\x80\xAE" "evil",                               // U+202E
                        "A\xE2\x80\x8F" "B",                                 // U+200F RLM
                        "A\xD8\x9C" "B",                                     // U+061C ALM
                        "A\xE2\x81\xA6" "B",                                 // U+2066 isolate
                        "A\xE2\x80\x8B" "B",                                 // zero-width space
                        "A\xC2\xAD" "B",                                     // soft hyphen
                        "\xEF\xBB\xBF" "A",                                  // BOM
                        "A\xEF\xBF\xB9" "B",                                 // U+FFF9
                        "A\xEF\xBF\xBF" "B",                                 // U+FFFF
                        "\xEE\x80\x80",                                      // private use
                        "Bob\xF3\xA0\x81\x81",                               // tag A
                        "A\xE2\x80\xA8" "B"})                                // line separator
    EXPECT_FALSE(printable_name(n, 80)) << n;
}

TEST(person_name, a_name_must_show_something) {
  for (const char* n : {" ", "   ", "\xE3\x85\xA4",                 // U+3164 Hangul filler
                        "\xE2\xA0\x80",                               // braille blank
                        "\xCC\x81\xCC\x81", "\xE3\x80\x80"})          // combining marks, ideographic space
    EXPECT_FALSE(printable_name(n, 80)) << n;
  EXPECT_TRUE(printable_name(" A ", 80));
  EXPECT_FALSE(printable_name("\xE2\x80\x8D", 80)) << "a joiner alone shows nothing";
}

TEST(person_name, broken_utf8_is_refused) {
  for (const char* n : {"Bad\xC3", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"})
    EXPECT_FALSE(printable_name(n, 80)) << n;
}

}  // namespace
}  // namespace seatd::api
