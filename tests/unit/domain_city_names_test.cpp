// Typed cities against the schedule's spellings: case, spaces, old and new names.
#include <gtest/gtest.h>

#include "domain/city_names.hpp"

namespace seatd {
namespace {

using strings = std::vector<std::string>;

TEST(city_names, normalises_case_and_spaces) {
  EXPECT_EQ(normalize_city("  NEW \t  Delhi  "), "new delhi");
  EXPECT_EQ(normalize_city("Chennai"), "chennai");
  EXPECT_EQ(normalize_city("   "), "");
  EXPECT_EQ(normalize_city(""), "");
  // Bytes beyond ASCII are kept (a UTF-8 name is not mangled).
  EXPECT_EQ(normalize_city(" Bengaluru\xE0\xB2\x95 "), "bengaluru\xE0\xB2\x95");
}

TEST(city_names, spellings_list_the_typed_one_first_then_its_aliases) {
  EXPECT_EQ(city_spellings("Bengaluru"), (strings{"bengaluru", "bangalore", "banglore"}));
  EXPECT_EQ(city_spellings(" bangalore "), (strings{"bangalore", "bengaluru", "banglore"}));
  EXPECT_EQ(city_spellings("MADRAS"), (strings{"madras", "chennai"}));
  EXPECT_EQ(city_spellings("Cape   Comorin"),
            (strings{"cape comorin", "kanniyakumari", "kanyakumari"}));
  EXPECT_EQ(city_spellings("Atlantis"), (strings{"atlantis"}));
  EXPECT_TRUE(city_spellings(" ").empty());
  // Hostile text stays one spelling of itself, never more than the bound.
  EXPECT_EQ(city_spellings("x' OR '1'='1"), (strings{"x' or '1'='1"}));
  for (const char* c : {"Varanasi", "Tiruchirappalli", "thanjavur", "Kochi"})
    EXPECT_LE(city_spellings(c).size(), max_city_spellings) << c;
}

TEST(city_names, every_pair_of_the_brief_finds_each_other_both_ways) {
  const std::pair<const char*, const char*> pairs[] = {
      {"Bengaluru", "Bangalore"},   {"Mysuru", "Mysore"},
      {"Mumbai", "Bombay"},         {"Chennai", "Madras"},
      {"Kolkata", "Calcutta"},      {"Thiruvananthapuram", "Trivandrum"},
      {"Kochi", "Cochin"},          {"Puducherry", "Pondicherry"},
      {"Mangaluru", "Mangalore"},   {"Hubballi", "Hubli"},
      {"Belagavi", "Belgaum"},      {"Kozhikode", "Calicut"},
      {"Vadodara", "Baroda"},       {"Gurugram", "Gurgaon"},
      {"Prayagraj", "Allahabad"},   {"Varanasi", "Benares"},
      {"Pune", "Poona"},            {"Thanjavur", "Tanjavur"},
      {"Tirunelveli", "Tinnevelly"}};
  for (auto [a, b] : pairs) {
    EXPECT_EQ(schedule_spelling(a, {"Delhi", b}), b) << a << " -> " << b;
    EXPECT_EQ(schedule_spelling(b, {a, "Zzz"}), a) << b << " -> " << a;
  }
}

TEST(city_names, schedule_spelling_is_the_stored_text_and_prefers_the_typed_name) {
  const strings known = {"Bangalore", "Chennai", "Madurai", "Tanjavur", "Tenkasi", "Tirunelveli"};
  EXPECT_EQ(schedule_spelling("  bengaluru ", known), "Bangalore");
  EXPECT_EQ(schedule_spelling("THANJAVUR", known), "Tanjavur");
  EXPECT_EQ(schedule_spelling("tenkasi", known), "Tenkasi");
  EXPECT_EQ(schedule_spelling("Madras", known), "Chennai");
  EXPECT_FALSE(schedule_spelling("Mumbai", known));
  EXPECT_FALSE(schedule_spelling("", known));
  EXPECT_FALSE(schedule_spelling("Chennai", {}));
  // Both spellings stored (two operators): the one typed is the one meant.
  EXPECT_EQ(schedule_spelling("Bombay", {"Mumbai", "Bombay"}), "Bombay");
  EXPECT_EQ(schedule_spelling("Mumbai", {"Mumbai", "Bombay"}), "Mumbai");
}

}  // namespace
}  // namespace seatd
