// The boarding pass as a reader and a scanner see it: poppler's pdftotext must find the
// booking, the seats and the names, and the QR code, rasterised by pdftoppm at 300 dpi and
// decoded by zbar's zbarimg, must verify as the boarding code it was made from.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ticket/boarding_code.hpp"
#include "ticket/boarding_pass_pdf.hpp"
#include "ticket/ticket_samples.hpp"
#include "ticket/ticket_test_support.hpp"

namespace {

using namespace seatd::tickets;
namespace t = seatd::tickets::testing;

constexpr const char* pdftotext = "/usr/bin/pdftotext";
constexpr const char* pdftoppm = "/usr/bin/pdftoppm";
constexpr const char* zbarimg = "/usr/bin/zbarimg";

class ticket_render_tools : public ::testing::Test {
 protected:
  void SetUp() override {
    // scripts/install-deps.sh installs both packages, so CI never skips these.
    for (const char* tool : {pdftotext, pdftoppm, zbarimg}) {
      if (!t::executable(tool)) GTEST_SKIP() << tool << " missing (poppler-utils, zbar-tools)";
    }
  }

  boarding_pass pass(std::string first_name) const {
    return t::sample_pass(codec_, std::move(first_name), 4242);
  }

  std::filesystem::path write_pdf(const boarding_pass& p, const pdf_options& opts = {}) const {
    auto pdf = render_boarding_pass(p, opts);
    EXPECT_TRUE(pdf) << pdf.error().message();
    const auto path = dir_.path() / "pass.pdf";
    std::ofstream(path, std::ios::binary) << (pdf ? *pdf : std::string());
    return path;
  }

  std::string text_of(const std::filesystem::path& pdf) const {
    return t::run({pdftotext, "-enc", "UTF-8", pdf.string(), "-"});
  }

  boarding_codec codec_{"component-test-secret-of-32-characters"};
  t::scratch_dir dir_;
};

TEST_F(ticket_render_tools, pdftotext_finds_booking_seats_and_passengers) {
  const std::string text = text_of(write_pdf(pass("Zoë Núñez")));
  for (const char* expected : {"ABC-1A2B3C", "17", "18", "Zoë Núñez", "Ravi Rao", "Mumbai", "Pune",
                               "Sat 05 Dec 2026, 08:30", "Shivneri Express", "MH-12-AB-1234",
                               "ABC Travels", "CONFIRMED"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
}

TEST_F(ticket_render_tools, a_cyrillic_name_is_drawn_with_the_unicode_font) {
  if (!std::filesystem::exists(default_unicode_font)) GTEST_SKIP() << "fonts-dejavu-core missing";
  const std::string text = text_of(write_pdf(pass("Дмитрий Ковалёв")));
  EXPECT_NE(text.find("Дмитрий Ковалёв"), std::string::npos) << text;
  EXPECT_NE(text.find("Ravi Rao"), std::string::npos) << text;
}

TEST_F(ticket_render_tools, without_the_font_a_cyrillic_name_becomes_question_marks) {
  pdf_options no_font;
  no_font.unicode_font.clear();
  const std::string text = text_of(write_pdf(pass("Дмитрий Zoë"), no_font));
  EXPECT_NE(text.find("??????? Zoë"), std::string::npos) << text;
}

TEST_F(ticket_render_tools, a_cancelled_pass_says_so) {
  boarding_pass p = pass("Asha Rao");
  p.booking.status = seatd::booking_status::cancelled;
  const std::string text = text_of(write_pdf(p));
  EXPECT_NE(text.find("CANCELLED"), std::string::npos) << text;
  EXPECT_NE(text.find("NOT VALID FOR TRAVEL"), std::string::npos) << text;
  EXPECT_EQ(text.find("CONFIRMED"), std::string::npos) << text;
}

TEST_F(ticket_render_tools, seats_beyond_the_first_page_are_on_the_next) {
  boarding_pass p = pass("Asha Rao");
  for (int s = 1; s <= 30; ++s) p.booking.seats.push_back({s, "Traveller Number " + std::to_string(s), {}, {}});
  const std::string text = text_of(write_pdf(p));
  EXPECT_NE(text.find("Traveller Number 30"), std::string::npos) << text;
  const auto page_break = text.find('\f');
  ASSERT_NE(page_break, std::string::npos);  // more than one page
  EXPECT_NE(text.substr(0, page_break).find("more seats overleaf"), std::string::npos) << text;
  EXPECT_NE(text.substr(page_break).find("Traveller Number 30"), std::string::npos) << text;
}

TEST_F(ticket_render_tools, the_qr_code_scans_and_verifies) {
  const auto pdf = write_pdf(pass("Zoë Núñez"));
  const auto png_prefix = dir_.path() / "page";
  t::run({pdftoppm, "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", pdf.string(),
          png_prefix.string()});
  std::string scanned = t::run({zbarimg, "--raw", "-q", png_prefix.string() + ".png"});
  while (!scanned.empty() && (scanned.back() == '\n' || scanned.back() == '\r')) scanned.pop_back();
  EXPECT_EQ(scanned, codec_.issue("ABC-1A2B3C", 4242).value());
  auto claim = codec_.verify(scanned);
  ASSERT_TRUE(claim) << claim.error().message() << ": " << scanned;
  EXPECT_EQ(claim->booking_number, "ABC-1A2B3C");
  EXPECT_EQ(claim->trip_id, 4242);
}

}  // namespace
