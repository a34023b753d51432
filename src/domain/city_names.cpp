#include "domain/city_names.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace seatd {
namespace {

// One group per city: every spelling a traveller may type, normalised (see normalize_city).
// Whichever of them the schedule uses is found by all the others.
using group = std::array<std::string_view, max_city_spellings>;
constexpr group alias_groups[] = {
    {"bengaluru", "bangalore", "banglore"},
    {"mysuru", "mysore"},
    {"mumbai", "bombay"},
    {"chennai", "madras"},
    {"kolkata", "calcutta"},
    {"thiruvananthapuram", "trivandrum", "tiruvananthapuram"},
    {"kochi", "cochin", "ernakulam"},
    {"puducherry", "pondicherry", "pondy"},
    {"mangaluru", "mangalore"},
    {"hubballi", "hubli"},
    {"belagavi", "belgaum"},
    {"kozhikode", "calicut"},
    {"vadodara", "baroda"},
    {"gurugram", "gurgaon"},
    {"prayagraj", "allahabad"},
    {"varanasi", "benares", "banaras", "kashi"},
    {"pune", "poona"},
    {"kalaburagi", "gulbarga"},
    {"vijayapura", "bijapur"},
    {"shivamogga", "shimoga"},
    {"tumakuru", "tumkur"},
    {"ballari", "bellary"},
    {"thanjavur", "tanjavur", "tanjore"},
    {"tirunelveli", "tinnevelly", "nellai"},
    {"tiruchirappalli", "trichy", "tiruchi", "trichinopoly"},
    {"thoothukudi", "tuticorin"},
    {"kanniyakumari", "kanyakumari", "cape comorin"},
    {"udhagamandalam", "ooty", "ootacamund"},
    {"coimbatore", "kovai"},
    {"thrissur", "trichur"},
    {"kollam", "quilon"},
    {"alappuzha", "alleppey"},
    {"kannur", "cannanore"},
    {"palakkad", "palghat"},
    {"visakhapatnam", "vizag", "vishakhapatnam"},
    {"vijayawada", "bezawada"},
    {"new delhi", "delhi"},
    {"shimla", "simla"},
    {"kanpur", "cawnpore"},
    {"ahmedabad", "amdavad"},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::string normalize_city(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  bool gap = false;
  for (char c : typed) {
    if (is_space(c)) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  }
  return out;
}

std::vector<std::string> city_spellings(std::string_view typed) {
  std::string name = normalize_city(typed);
  if (name.empty()) return {};
  std::vector<std::string> out{name};
  for (const group& g : alias_groups) {
    if (std::find(g.begin(), g.end(), name) == g.end()) continue;
    for (std::string_view s : g)
      if (!s.empty() && s != name) out.emplace_back(s);
    break;
  }
  return out;
}

std::optional<std::string> schedule_spelling(std::string_view typed,
                                             const std::vector<std::string>& known) {
  const auto wanted = city_spellings(typed);
  if (wanted.empty()) return std::nullopt;
  // The typed spelling wins over an alias when the schedule has both.
  for (const std::string& w : wanted)
    for (const std::string& k : known)
      if (normalize_city(k) == w) return k;
  return std::nullopt;
}

}  // namespace seatd
