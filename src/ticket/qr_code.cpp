#include "ticket/qr_code.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

#include "ticket/errc.hpp"

namespace seatd::tickets {

qr_matrix::qr_matrix(int size, std::vector<std::uint8_t> dark) : size_(size), dark_(std::move(dark)) {
  if (size < 21 || static_cast<std::size_t>(size) * size != dark_.size()) {
    throw std::invalid_argument("qr_matrix: size does not match the modules");
  }
}

result<qr_matrix> encode_qr(std::string_view text, qr_level level) {
  if (text.empty()) return make_error_code(errc::qr_encode_failed);
  if (text.size() > max_qr_input) return make_error_code(errc::qr_input_too_long);
  const QRecLevel ec = level == qr_level::quartile ? QR_ECLEVEL_Q : QR_ECLEVEL_M;
  // libqrencode allocates the symbol; the unique_ptr frees it on every path.
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, ec),
      &QRcode_free);
  if (!code || code->width < 21) return make_error_code(errc::qr_encode_failed);
  const int n = code->width;
  std::vector<std::uint8_t> dark(static_cast<std::size_t>(n) * n);
  // Bit 0 of each byte is the module's colour; the other bits describe its role (finder,
  // timing, ...), which a renderer does not need.
  for (std::size_t i = 0; i < dark.size(); ++i) dark[i] = code->data[i] & 1U;
  return qr_matrix(n, std::move(dark));
}

}  // namespace seatd::tickets
