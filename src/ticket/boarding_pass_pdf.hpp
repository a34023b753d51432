#pragma once
// The boarding pass: one A6 page (105 x 148 mm, a quarter of A4, what a phone shows whole and
// a printer cuts from A4) rendered with libharu, with the QR code of the signed boarding code.
// Pure: bytes in, bytes out, no file written.
//
// Fonts. libharu's built-in fonts (Helvetica) speak WinAnsi (Windows-1252: Latin-1 plus a few
// typographic characters) and cost nothing in the file. So:
//   1. every text fits WinAnsi (the usual case, "Zoë", "José" included): Helvetica, a ~5 kB PDF;
//   2. otherwise, if the Unicode font (default: Debian fonts-dejavu-core's DejaVuSans.ttf) is
//      there: the traveller's texts in that font, embedded (libharu 2.3 embeds it whole: the
//      PDF grows by a few hundred kB, paid only by such bookings);
//   3. otherwise each character outside WinAnsi is drawn as '?': a pass with "??????" is still
//      a valid pass (the QR and booking number carry what matters), a missing font is not worth
//      failing a booking's ticket for.
// A font file that exists but cannot be loaded is an installation fault and is reported
// (errc::pdf_font_unusable), not papered over. DejaVu has no Devanagari or other scripts that
// need shaping; such names fall back to DejaVu's missing-glyph box (the PDF's text layer still
// carries them).
#include <string>

#include "domain/errc.hpp"
#include "ticket/booking_details.hpp"
#include "ticket/qr_code.hpp"

namespace seatd::tickets {

inline constexpr const char* default_unicode_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

struct boarding_pass {
  booking_details booking;
  std::string boarding_code;  // boarding_codec::issue(...); drawn as the QR code
};

struct pdf_options {
  std::string unicode_font = default_unicode_font;  // empty: never embed a font (rule 3)
  qr_level qr = qr_level::quartile;                  // printed passes get folded
};

// The PDF bytes ("%PDF-1.x ... %%EOF"). Seats that do not fit on the first page continue on
// further pages; the QR is always on page 1. errc::pdf_render_failed if libharu reports an
// error (its error handler records it; nothing aborts, nothing leaks), pdf_font_unusable as
// above, and encode_qr's errors for a boarding code too long for a QR.
result<std::string> render_boarding_pass(const boarding_pass& pass, const pdf_options& options = {});

}  // namespace seatd::tickets
