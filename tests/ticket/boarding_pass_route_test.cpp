// GET /bookings/{number}/ticket.pdf on a real seatd, read as a traveller's PDF viewer and a
// conductor's scanner would: poppler's pdftotext finds the booking and each passenger, and the
// QR code, rasterised by pdftoppm and decoded by zbarimg, boards the passengers through
// POST /admin/checkin. Only the owner (or an admin) gets the pass.
#include <gtest/gtest.h>

#include <fstream>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"
#include "ticket/ticket_test_support.hpp"

namespace seatd::testing {
namespace {

namespace t = seatd::tickets::testing;

constexpr const char* pdftotext = "/usr/bin/pdftotext";
constexpr const char* pdftoppm = "/usr/bin/pdftoppm";
constexpr const char* zbarimg = "/usr/bin/zbarimg";

TEST(boarding_pass_route, the_owner_gets_a_pass_whose_qr_code_boards_the_passengers) {
  for (const char* tool : {pdftotext, pdftoppm, zbarimg})
    if (!t::executable(tool)) GTEST_SKIP() << tool << " missing (scripts/install-deps.sh)";
  seatd_process server;
  http_client c(server.port());
  const std::string admin = make_admin(server, c);
  ASSERT_EQ(upload(c, admin, "schedule.csv", two_trips_csv).status, 200);
  const std::string owner = signup_and_login(c, unique_email("owner"));
  const std::string other = signup_and_login(c, unique_email("other"));

  for (int s : {11, 12}) ASSERT_EQ(lock_seat(c, owner, 1, s).status, 200);
  boost::json::array passengers{boost::json::object{{"seat_no", 11}, {"name", "Meera Iyer"}},
                                boost::json::object{{"seat_no", 12}, {"name", "Arjun Iyer"}}};
  auto booked = c.post_json(
      "/bookings/", {{"trip_id", 1}, {"seat_numbers", {11, 12}}, {"passengers", passengers}},
      owner);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string number(booked.json().at("booking_number").as_string());
  const std::string route = "/bookings/" + number + "/ticket.pdf";

  auto pdf = c.get(route, owner);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.headers[http::field::content_type], "application/pdf");
  EXPECT_EQ(pdf.headers[http::field::cache_control], "no-store");
  ASSERT_TRUE(pdf.body.starts_with("%PDF-"));
  EXPECT_EQ(c.get(route, other).status, 404) << "someone else's pass does not exist for them";
  EXPECT_EQ(c.get(route, "").status, 401);
  EXPECT_EQ(c.get(route, admin).status, 200);
  EXPECT_EQ(c.get("/bookings/NOPE-000000/ticket.pdf", owner).status, 404);

  t::scratch_dir dir;
  const auto file = dir.path() / "pass.pdf";
  std::ofstream(file, std::ios::binary) << pdf.body;
  const std::string text = t::run({pdftotext, "-enc", "UTF-8", file.string(), "-"});
  for (const std::string& want : {number, std::string("Meera Iyer"), std::string("Arjun Iyer")})
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;

  const auto png = dir.path() / "page";
  t::run({pdftoppm, "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", file.string(),
          png.string()});
  std::string code = t::run({zbarimg, "--raw", "-q", png.string() + ".png"});
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  ASSERT_TRUE(code.starts_with("SB1.")) << code;

  auto in = c.post_json("/admin/checkin", {{"code", code}, {"trip_id", 1}}, admin);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json().at("booking_number").as_string(), number);
  EXPECT_EQ(in.json().at("already_boarded"), false);
  EXPECT_EQ(in.json().at("passengers").as_array().size(), 2u);
  auto again = c.post_json("/admin/checkin", {{"code", code}}, admin);
  EXPECT_EQ(again.json().at("already_boarded"), true);
  auto at_other_bus = c.post_json("/admin/checkin", {{"code", code}, {"trip_id", 2}}, admin);
  EXPECT_EQ(at_other_bus.status, 409);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
