#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ticket/boarding_code.hpp"
#include "ticket/boarding_pass_pdf.hpp"
#include "ticket/errc.hpp"
#include "ticket/ticket_samples.hpp"

namespace {

using seatd::booking_status;
using seatd::tickets::boarding_pass;
using seatd::tickets::errc;
using seatd::tickets::pdf_options;
using seatd::tickets::render_boarding_pass;

boarding_pass sample(std::string name = "Asha Rao") {
  return seatd::tickets::testing::sample_pass(seatd::tickets::boarding_codec("test-secret"),
                                              std::move(name));
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

bool is_pdf(const std::string& bytes) {
  if (bytes.rfind("%PDF-", 0) != 0) return false;
  const auto end = bytes.rfind("%%EOF");
  return end != std::string::npos && bytes.find_first_not_of("\r\n", end + 5) == std::string::npos;
}

// Page objects, not the /Pages tree node.
std::size_t pages(const std::string& pdf) { return count(pdf, "/Type /Page\r") + count(pdf, "/Type /Page\n"); }

TEST(ticket_boarding_pass_pdf, renders_a_pdf_from_header_to_eof) {
  auto pdf = render_boarding_pass(sample());
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(is_pdf(*pdf)) << pdf->substr(0, 16);
  EXPECT_EQ(pages(*pdf), 1U);
}

TEST(ticket_boarding_pass_pdf, winansi_names_need_no_embedded_font) {
  auto pdf = render_boarding_pass(sample("Zoë Núñez"));
  ASSERT_TRUE(pdf);
  EXPECT_EQ(count(*pdf, "/FontFile2"), 0U);
  EXPECT_LT(pdf->size(), 20'000U);
}

TEST(ticket_boarding_pass_pdf, other_scripts_embed_the_unicode_font_when_it_is_there) {
  if (!std::filesystem::exists(seatd::tickets::default_unicode_font)) {
    GTEST_SKIP() << "fonts-dejavu-core is not installed (scripts/install-deps.sh installs it)";
  }
  auto pdf = render_boarding_pass(sample("Дмитрий Ковалёв"));
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(is_pdf(*pdf));
  EXPECT_EQ(count(*pdf, "/FontFile2"), 1U);
}

TEST(ticket_boarding_pass_pdf, without_the_font_other_scripts_fall_back_to_question_marks) {
  pdf_options no_font;
  no_font.unicode_font = "/nonexistent/font.ttf";
  auto pdf = render_boarding_pass(sample("Дмитрий Ковалёв"), no_font);
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(is_pdf(*pdf));
  EXPECT_EQ(count(*pdf, "/FontFile2"), 0U);
}

TEST(ticket_boarding_pass_pdf, a_font_file_libharu_cannot_load_is_an_error_not_an_abort) {
  const auto bad = std::filesystem::temp_directory_path() / "seatd-ticket-not-a-font.ttf";
  std::ofstream(bad) << "this is not a TrueType font";
  pdf_options opts;
  opts.unicode_font = bad.string();
  auto pdf = render_boarding_pass(sample("Дмитрий"), opts);
  std::filesystem::remove(bad);
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error(), make_error_code(errc::pdf_font_unusable));
}

TEST(ticket_boarding_pass_pdf, many_seats_continue_on_further_pages) {
  boarding_pass p = sample();
  p.booking.seats.clear();
  for (int s = 1; s <= 40; ++s) p.booking.seats.push_back({s, "Passenger " + std::to_string(s), 30, "M"});
  auto pdf = render_boarding_pass(p);
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(is_pdf(*pdf));
  EXPECT_GE(pages(*pdf), 2U);
}

TEST(ticket_boarding_pass_pdf, cancelled_and_confirmed_passes_differ) {
  boarding_pass p = sample();
  auto confirmed = render_boarding_pass(p);
  p.booking.status = booking_status::cancelled;
  auto cancelled = render_boarding_pass(p);
  ASSERT_TRUE(confirmed && cancelled);
  EXPECT_NE(*confirmed, *cancelled);
}

TEST(ticket_boarding_pass_pdf, hostile_text_is_drawn_not_interpreted) {
  // Malformed UTF-8, control characters, PDF string delimiters and a very long name.
  boarding_pass p = sample(std::string("A\xff\xfe) Tj (B\r\n\t") + std::string(500, 'W'));
  p.booking.source = std::string(300, 'x');
  auto pdf = render_boarding_pass(p);
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(is_pdf(*pdf));
}

TEST(ticket_boarding_pass_pdf, a_boarding_code_too_long_for_a_qr_is_refused) {
  boarding_pass p = sample();
  p.boarding_code = std::string(1000, 'x');
  auto pdf = render_boarding_pass(p);
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error(), make_error_code(errc::qr_input_too_long));
}

}  // namespace
