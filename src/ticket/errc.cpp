#include "ticket/errc.hpp"

#include <string>

namespace seatd::tickets {
namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "seatd.ticket"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::code_empty: return "Empty boarding code";
      case errc::code_oversized: return "Boarding code too long";
      case errc::code_malformed: return "Not a boarding code";
      case errc::code_unknown_version: return "Unknown boarding code version";
      case errc::code_truncated: return "Boarding code truncated";
      case errc::code_forged: return "Boarding code signature does not match";
      case errc::invalid_booking_number: return "Booking number cannot be put in a boarding code";
      case errc::qr_input_too_long: return "Too much data for a QR code";
      case errc::qr_encode_failed: return "QR encoding failed";
      case errc::pdf_render_failed: return "PDF rendering failed";
      case errc::pdf_font_unusable: return "Unicode font cannot be loaded";
      case errc::header_injection: return "Line break in a mail header value";
      case errc::invalid_address: return "Invalid e-mail address";
      case errc::invalid_header: return "Invalid mail header value";
      case errc::mail_retryable: return "Mail not delivered (temporary failure)";
      case errc::mail_permanent: return "Mail rejected (permanent failure)";
      case errc::mail_invalid: return "Mail cannot be sent";
    }
    return "unknown seatd.ticket error";
  }
};
}  // namespace

const boost::system::error_category& ticket_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace seatd::tickets
