#pragma once
// A QR code as a matrix of modules, from libqrencode. The symbol is copied out of the
// library's buffer at once, so a qr_matrix is a plain value (no C resource to manage) and
// drawing it (boarding_pass_pdf) needs no libqrencode header.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/errc.hpp"

namespace seatd::tickets {

// M restores about 15 % of damaged modules, Q about 25 %: a printed pass that is folded or
// smudged wants Q, a phone screen is fine with M (and a smaller symbol).
enum class qr_level { medium, quartile };

// More than a boarding code needs by far; a bound keeps a caller's mistake from asking for a
// version-40 symbol (2,953 bytes at level L).
inline constexpr std::size_t max_qr_input = 256;

class qr_matrix {
 public:
  qr_matrix(int size, std::vector<std::uint8_t> dark);  // dark: size*size, row-major, 0 or 1

  int size() const noexcept { return size_; }  // modules per side (21 for version 1)
  int version() const noexcept { return (size_ - 17) / 4; }
  // x: column, y: row, both from the top-left; true for a dark module. The quiet zone (four
  // light modules on every side) is not part of the matrix: the renderer leaves it.
  bool dark(int x, int y) const { return dark_.at(static_cast<std::size_t>(y) * size_ + x) != 0; }

 private:
  int size_;
  std::vector<std::uint8_t> dark_;
};

// The text is encoded as bytes (8-bit mode) exactly as given, in the smallest version that
// holds it at that level. errc::qr_input_too_long past max_qr_input, errc::qr_encode_failed
// for empty text or if libqrencode refuses.
result<qr_matrix> encode_qr(std::string_view text, qr_level level = qr_level::medium);

}  // namespace seatd::tickets
