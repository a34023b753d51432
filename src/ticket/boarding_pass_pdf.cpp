#include "ticket/boarding_pass_pdf.hpp"

#include <hpdf.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "ticket/errc.hpp"
#include "ticket/utf8_text.hpp"

namespace seatd::tickets {

namespace {

// A6 portrait in points (1 mm = 72 / 25.4 pt).
constexpr float page_w = 297.64F;
constexpr float page_h = 419.53F;
constexpr float margin = 18.0F;
constexpr float band_h = 50.0F;
constexpr float qr_side = 122.0F;
constexpr float row_h = 13.0F;

// Windows-1252's 0x80-0x9F block: the characters WinAnsi has beyond Latin-1.
std::optional<unsigned char> winansi_extra(char32_t cp) {
  static constexpr std::pair<char32_t, unsigned char> table[] = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
      {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
      {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
      {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
      {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
      {0x017E, 0x9E}, {0x0178, 0x9F}};
  for (const auto& [u, b] : table) {
    if (u == cp) return b;
  }
  return std::nullopt;
}

std::optional<unsigned char> to_winansi(char32_t cp) {
  if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<unsigned char>(cp);
  return winansi_extra(cp);
}

bool fits_winansi(std::string_view utf8) {
  const auto cps = utf8_code_points(single_line(utf8));
  return std::all_of(cps.begin(), cps.end(), [](char32_t cp) { return to_winansi(cp).has_value(); });
}

// libharu's error handler: it is called from inside a libharu function, which then returns
// an error status. Throwing or longjmp-ing through C frames would leak its allocations, so the
// handler only records the first error; the renderer checks after each step and stops.
struct error_state {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = HPDF_OK;
};

void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  auto* st = static_cast<error_state*>(user_data);
  if (st->error == HPDF_OK) {
    st->error = error_no;
    st->detail = detail_no;
  }
}

struct doc_deleter {
  void operator()(HPDF_Doc d) const noexcept { HPDF_Free(d); }
};
using doc_ptr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, doc_deleter>;

// A font and the way text must be encoded for it.
struct face {
  HPDF_Font font = nullptr;
  bool utf8 = false;  // a TTF loaded with libharu's UTF-8 encoder; else WinAnsi bytes

  std::string encode(const std::vector<char32_t>& cps) const {
    std::string out;
    for (char32_t cp : cps) {
      if (utf8) {
        append_utf8(out, cp);
      } else {
        out.push_back(static_cast<char>(to_winansi(cp).value_or('?')));
      }
    }
    return out;
  }
};

class renderer {
 public:
  renderer(const boarding_pass& pass, const pdf_options& options, error_state& errors)
      : pass_(pass), options_(options), errors_(errors) {}

  result<std::string> run() {
    doc_.reset(HPDF_New(&on_error, &errors_));
    if (!doc_) return make_error_code(errc::pdf_render_failed);
    HPDF_SetCompressionMode(doc_.get(), HPDF_COMP_ALL);
    HPDF_SetInfoAttr(doc_.get(), HPDF_INFO_CREATOR, "seatd");
    const std::string title = "Boarding pass " + single_line(pass_.booking.booking_number);
    HPDF_SetInfoAttr(doc_.get(), HPDF_INFO_TITLE, face{}.encode(utf8_code_points(title)).c_str());
    if (failed()) return make_error_code(errc::pdf_render_failed);

    if (auto ec = choose_fonts()) return ec;
    auto qr = encode_qr(pass_.boarding_code, options_.qr);
    if (!qr) return qr.error();

    first_page(*qr);
    if (failed()) return make_error_code(errc::pdf_render_failed);
    return save();
  }

 private:
  bool failed() const { return errors_.error != HPDF_OK; }

  // Rules 1-3 of boarding_pass_pdf.hpp.
  boost::system::error_code choose_fonts() {
    label_ = {HPDF_GetFont(doc_.get(), "Helvetica", "WinAnsiEncoding"), false};
    bold_ = {HPDF_GetFont(doc_.get(), "Helvetica-Bold", "WinAnsiEncoding"), false};
    value_ = label_;
    if (failed()) return make_error_code(errc::pdf_render_failed);

    const booking_details& b = pass_.booking;
    bool all_winansi = fits_winansi(b.operator_name) && fits_winansi(b.source) &&
                       fits_winansi(b.destination) && fits_winansi(b.departure) &&
                       fits_winansi(b.bus_name) && fits_winansi(b.bus_number) &&
                       fits_winansi(b.total_price);
    for (const auto& s : b.seats) {
      all_winansi = all_winansi && fits_winansi(s.name) && fits_winansi(s.gender.value_or(""));
    }
    std::error_code fs_ec;
    if (all_winansi || options_.unicode_font.empty() ||
        !std::filesystem::is_regular_file(options_.unicode_font, fs_ec)) {
      return {};  // rule 1, or rule 3: WinAnsi with '?'
    }
    HPDF_UseUTFEncodings(doc_.get());
    const char* name = HPDF_LoadTTFontFromFile(doc_.get(), options_.unicode_font.c_str(), HPDF_TRUE);
    if (failed() || name == nullptr) return make_error_code(errc::pdf_font_unusable);
    HPDF_Font f = HPDF_GetFont(doc_.get(), name, "UTF-8");
    if (failed() || f == nullptr) return make_error_code(errc::pdf_font_unusable);
    value_ = {f, true};
    mark_base_letters_used(f);
    return failed() ? make_error_code(errc::pdf_render_failed) : boost::system::error_code{};
  }

  // libharu 2.3 embeds only the glyphs the document's text uses, but it does not follow a
  // composite glyph to its parts: DejaVu draws "Ё" as "Е" plus a diaeresis, and unless "Е" is
  // used elsewhere the pass shows a bare diaeresis ("Йован" loses its "И"). Measuring a text
  // marks its glyphs used, so the base letters of the Latin, Greek and Cyrillic alphabets are
  // measured once here (about 20 kB more, only in this font path).
  void mark_base_letters_used(HPDF_Font f) {
    std::string bases;
    auto add_range = [&](char32_t from, char32_t to) {
      for (char32_t c = from; c <= to; ++c) append_utf8(bases, c);
    };
    add_range(U'A', U'Z');
    add_range(U'a', U'z');
    append_utf8(bases, 0x0131);  // dotless i
    append_utf8(bases, 0x0237);  // dotless j
    add_range(0x0391, 0x03A9);   // Greek capitals
    add_range(0x03B1, 0x03C9);   // Greek small letters
    add_range(0x0400, 0x045F);   // Cyrillic
    HPDF_Font_TextWidth(f, reinterpret_cast<const HPDF_BYTE*>(bases.data()),
                        static_cast<HPDF_UINT>(bases.size()));
  }

  HPDF_Page new_page() {
    HPDF_Page page = HPDF_AddPage(doc_.get());
    HPDF_Page_SetWidth(page, page_w);
    HPDF_Page_SetHeight(page, page_h);
    return page;
  }

  // Draws one line of text at (x, y) within max_w: shrinks the size down to min_size, then cuts
  // the text and ends it with "..." so that nothing runs off the pass.
  void text(HPDF_Page page, const face& f, float size, float min_size, float x, float y,
            float max_w, std::string_view utf8) {
    auto cps = utf8_code_points(single_line(utf8));
    std::string enc = f.encode(cps);
    HPDF_Page_SetFontAndSize(page, f.font, size);
    while (HPDF_Page_TextWidth(page, enc.c_str()) > max_w && size > min_size && !failed()) {
      size -= 0.5F;
      HPDF_Page_SetFontAndSize(page, f.font, size);
    }
    while (!cps.empty() && HPDF_Page_TextWidth(page, enc.c_str()) > max_w && !failed()) {
      cps.pop_back();
      auto shown = cps;
      shown.insert(shown.end(), {U'.', U'.', U'.'});
      enc = f.encode(shown);
    }
    if (failed()) return;
    HPDF_Page_BeginText(page);
    HPDF_Page_TextOut(page, x, y, enc.c_str());
    HPDF_Page_EndText(page);
  }

  void label(HPDF_Page page, float x, float y, const char* what) {
    HPDF_Page_SetRGBFill(page, 0.42F, 0.45F, 0.50F);
    text(page, label_, 6.5F, 6.5F, x, y, page_w, what);
    HPDF_Page_SetRGBFill(page, 0.08F, 0.09F, 0.11F);
  }

  // The route: source, a drawn arrow (WinAnsi has no arrow, and a drawing looks the same in
  // every font), destination; each city gets half of the width.
  void route(HPDF_Page page, float y) {
    const float arrow_w = 22.0F;
    const float half = (page_w - 2 * margin - arrow_w) / 2;
    const booking_details& b = pass_.booking;
    text(page, value_, 14.0F, 8.0F, margin, y, half - 4, b.source);
    const float src_w = std::min(half - 4, HPDF_Page_TextWidth(
        page, value_.encode(utf8_code_points(single_line(b.source))).c_str()));
    const float ax = margin + src_w + 5;
    const float ay = y + 4.5F;
    HPDF_Page_SetLineWidth(page, 1.2F);
    HPDF_Page_MoveTo(page, ax, ay);
    HPDF_Page_LineTo(page, ax + arrow_w - 8, ay);
    HPDF_Page_Stroke(page);
    HPDF_Page_MoveTo(page, ax + arrow_w - 4, ay);
    HPDF_Page_LineTo(page, ax + arrow_w - 10, ay + 3.5F);
    HPDF_Page_LineTo(page, ax + arrow_w - 10, ay - 3.5F);
    HPDF_Page_ClosePath(page);
    HPDF_Page_Fill(page);
    text(page, value_, 14.0F, 8.0F, ax + arrow_w + 1, y, page_w - margin - (ax + arrow_w + 1),
         b.destination);
  }

  void status_badge(HPDF_Page page) {
    const bool cancelled = pass_.booking.status == booking_status::cancelled;
    const char* word = cancelled ? "CANCELLED" : "CONFIRMED";
    const float w = 78.0F;
    const float h = 20.0F;
    const float x = page_w - margin - w;
    const float y = page_h - band_h + (band_h - h) / 2;
    if (cancelled) {
      HPDF_Page_SetRGBFill(page, 0.80F, 0.10F, 0.12F);
    } else {
      HPDF_Page_SetRGBFill(page, 0.10F, 0.55F, 0.27F);
    }
    HPDF_Page_Rectangle(page, x, y, w, h);
    HPDF_Page_Fill(page);
    HPDF_Page_SetRGBFill(page, 1, 1, 1);
    HPDF_Page_SetFontAndSize(page, bold_.font, 10.0F);
    const float tw = HPDF_Page_TextWidth(page, word);
    HPDF_Page_BeginText(page);
    HPDF_Page_TextOut(page, x + (w - tw) / 2, y + 6.5F, word);
    HPDF_Page_EndText(page);
  }

  // The QR as filled rectangles, one per horizontal run of dark modules, with the four-module
  // quiet zone left white around it.
  void qr_code(HPDF_Page page, const qr_matrix& qr, float x, float y) {
    const float module = qr_side / static_cast<float>(qr.size() + 8);
    const float x0 = x + 4 * module;
    const float top = y + qr_side - 4 * module;
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    for (int row = 0; row < qr.size(); ++row) {
      int col = 0;
      while (col < qr.size()) {
        if (!qr.dark(col, row)) {
          ++col;
          continue;
        }
        const int start = col;
        while (col < qr.size() && qr.dark(col, row)) ++col;
        HPDF_Page_Rectangle(page, x0 + start * module, top - (row + 1) * module,
                            (col - start) * module, module);
      }
    }
    HPDF_Page_Fill(page);
  }

  void first_page(const qr_matrix& qr) {
    const booking_details& b = pass_.booking;
    HPDF_Page page = new_page();
    if (failed()) return;
    const float content_w = page_w - 2 * margin;

    // The band: operator and "BOARDING PASS" in white, the status badge on the right.
    HPDF_Page_SetRGBFill(page, 0.11F, 0.23F, 0.42F);
    HPDF_Page_Rectangle(page, 0, page_h - band_h, page_w, band_h);
    HPDF_Page_Fill(page);
    HPDF_Page_SetRGBFill(page, 1, 1, 1);
    text(page, value_, 14.0F, 8.0F, margin, page_h - 24, content_w - 88, b.operator_name);
    text(page, label_, 7.5F, 7.5F, margin, page_h - 38, content_w - 88, "BOARDING PASS");
    status_badge(page);
    HPDF_Page_SetRGBFill(page, 0.08F, 0.09F, 0.11F);

    float y = page_h - band_h - 24;
    if (b.status == booking_status::cancelled) {
      HPDF_Page_SetRGBFill(page, 0.80F, 0.10F, 0.12F);
      text(page, bold_, 11.0F, 8.0F, margin, y, content_w, "CANCELLED - NOT VALID FOR TRAVEL");
      HPDF_Page_SetRGBFill(page, 0.08F, 0.09F, 0.11F);
      y -= 20;
    }
    route(page, y);
    y -= 24;
    label(page, margin, y, "DEPARTURE (LOCAL TIME)");
    text(page, value_, 11.0F, 7.0F, margin, y - 12, content_w, b.departure);
    y -= 28;
    label(page, margin, y, "BUS");
    std::string bus = b.bus_name;
    if (!b.bus_number.empty()) bus += (bus.empty() ? "" : "  ") + b.bus_number;
    text(page, value_, 11.0F, 7.0F, margin, y - 12, content_w, bus);
    y -= 28;
    label(page, margin, y, "BOOKING");
    text(page, bold_, 12.0F, 8.0F, margin, y - 13, content_w / 2, b.booking_number);
    if (!b.total_price.empty()) {
      label(page, margin + content_w / 2, y, "TOTAL");
      text(page, value_, 11.0F, 7.0F, margin + content_w / 2, y - 13, content_w / 2, b.total_price);
    }
    y -= 22;
    HPDF_Page_SetLineWidth(page, 0.5F);
    HPDF_Page_MoveTo(page, margin, y);
    HPDF_Page_LineTo(page, page_w - margin, y);
    HPDF_Page_Stroke(page);
    y -= 11;
    label(page, margin, y, "SEAT");
    label(page, margin + 34, y, "PASSENGER");
    y -= row_h;

    // Seats down to the QR block; the rest continue on further pages.
    const float qr_y = margin + 12;
    const float seats_floor = qr_y + qr_side + 4;
    std::size_t next = seat_rows(page, 0, y, seats_floor);

    qr_code(page, qr, (page_w - qr_side) / 2, qr_y);
    std::string caption = "Show this code when boarding  -  " + single_line(b.booking_number);
    if (next < b.seats.size()) caption += "  -  more seats overleaf";
    text(page, label_, 6.5F, 5.0F, margin, margin, content_w, caption);

    while (next < b.seats.size() && !failed()) {
      HPDF_Page more = new_page();
      if (failed()) return;
      label(more, margin, page_h - margin - 8, "SEATS, CONTINUED");
      text(more, bold_, 9.0F, 7.0F, margin + 80, page_h - margin - 8, content_w - 80,
           b.booking_number);
      next = seat_rows(more, next, page_h - margin - 8 - 2 * row_h, margin);
    }
  }

  // Seat rows from seats[first] down to floor_y; returns the index of the first seat not drawn
  // (always at least one per call, so a page can never be left empty forever).
  std::size_t seat_rows(HPDF_Page page, std::size_t first, float y, float floor_y) {
    const auto& seats = pass_.booking.seats;
    std::size_t i = first;
    for (; i < seats.size() && (y >= floor_y || i == first); ++i, y -= row_h) {
      const passenger_seat& s = seats[i];
      text(page, bold_, 10.0F, 10.0F, margin, y, 30, std::to_string(s.seat_no));
      std::string who = s.name;
      std::string extra;
      if (s.age) extra += std::to_string(*s.age);
      if (s.gender && !s.gender->empty()) extra += (extra.empty() ? "" : ", ") + *s.gender;
      if (!extra.empty()) who += "  (" + extra + ")";
      text(page, value_, 10.0F, 7.0F, margin + 34, y, page_w - 2 * margin - 34, who);
    }
    return i;
  }

  result<std::string> save() {
    if (HPDF_SaveToStream(doc_.get()) != HPDF_OK || failed()) {
      return make_error_code(errc::pdf_render_failed);
    }
    std::string out(HPDF_GetStreamSize(doc_.get()), '\0');
    std::size_t filled = 0;
    while (filled < out.size()) {
      HPDF_UINT32 n = static_cast<HPDF_UINT32>(out.size() - filled);
      const HPDF_STATUS st = HPDF_ReadFromStream(
          doc_.get(), reinterpret_cast<HPDF_BYTE*>(out.data() + filled), &n);
      filled += n;
      if (st == HPDF_STREAM_EOF) break;
      if (st != HPDF_OK || n == 0) return make_error_code(errc::pdf_render_failed);
    }
    out.resize(filled);
    return out;
  }

  const boarding_pass& pass_;
  const pdf_options& options_;
  error_state& errors_;
  doc_ptr doc_;
  face label_;
  face bold_;
  face value_;
};

}  // namespace

result<std::string> render_boarding_pass(const boarding_pass& pass, const pdf_options& options) {
  // The error state outlives the document: HPDF_Free may still report through the handler.
  error_state errors;
  renderer r(pass, options, errors);
  return r.run();
}

}  // namespace seatd::tickets
