#include "api/person_name.hpp"

#include <cstdint>

namespace seatd::api {

namespace {

// Characters that print as nothing or change how the rest prints.
bool invisible_or_control(std::uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return true;           // C0, DEL, C1
  if (cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x180E) return true;  // soft hyphen, CGJ, ALM, MVS
  if (cp >= 0x600 && cp <= 0x605) return true;                        // Arabic number signs
  if (cp == 0x6DD || cp == 0x70F || cp == 0x8E2) return true;
  // Zero-width space, LRM, RLM. The zero-width (non-)joiners U+200C/U+200D stay: Indic
  // scripts and emoji sequences need them.
  if (cp == 0x200B || cp == 0x200E || cp == 0x200F) return true;
  if (cp >= 0x2028 && cp <= 0x202E) return true;  // line/paragraph separators, bidi embeddings
  if (cp >= 0x2060 && cp <= 0x206F) return true;  // word joiner, invisible operators, isolates
  if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) return true;  // BOM, annotations
  if (cp >= 0xE0000 && cp <= 0xE0FFF) return true;  // tags, variation selectors supplement
  if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return true;  // noncharacters
  if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000) return true;  // private use
  return false;
}

// Characters that are allowed but show nothing by themselves.
bool blank(std::uint32_t cp) {
  return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0x3164 || cp == 0xFFA0 ||
         cp == 0x115F || cp == 0x1160 || cp == 0x2800 || cp == 0x200C || cp == 0x200D ||
         (cp >= 0x300 && cp <= 0x36F) ||    // combining diacritical marks
         (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
         (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

}  // namespace

bool printable_name(std::string_view s, std::size_t max_chars) {
  if (s.empty()) return false;
  std::size_t chars = 0;
  bool visible = false;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80                ? 1
                      : (c >> 5) == 0x6       ? 2
                      : (c >> 4) == 0xE       ? 3
                      : (c >> 3) == 0x1E      ? 4
                                              : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t min_of[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (invisible_or_control(cp)) return false;
    visible = visible || !blank(cp);
    i += len;
    ++chars;
  }
  return visible && chars <= max_chars;
}

}  // namespace seatd::api
