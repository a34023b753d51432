#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ticket/booking_messages.hpp"
#include "ticket/errc.hpp"
#include "ticket/mime_message.hpp"
#include "ticket_mime_test_support.hpp"

namespace {

using namespace seatd::tickets;
namespace t = seatd::tickets::testing;
using namespace std::chrono;

std::string pdf_bytes() {
  std::string b = "%PDF-1.4\n";
  for (int i = 0; i < 5000; ++i) b.push_back(static_cast<char>(i % 251));
  return b + "\n%%EOF\n";
}

mail_message sample() {
  mail_message m;
  m.from = {"ABC Travels", "tickets@abctravels.example"};
  m.to = {"Zoë Núñez", "zoe@example.com"};
  m.subject = "Your ticket ABC-1A2B3C: Mumbai → Pune";
  m.date = time_point_cast<milliseconds>(sys_days{2026y / December / 5} + 6h + 38min + 52s);
  m.message_id = "booking-ABC-1A2B3C.confirmed@seatd.example";
  m.text = "Hello Zoë,\nyour booking is confirmed.\n";
  m.html = "<p>Hello Zo&euml;,</p>";
  m.attachments.push_back({"boarding-pass-ABC-1A2B3C.pdf", "application/pdf", pdf_bytes()});
  return m;
}

std::string build(const mail_message& m) {
  auto r = build_mime_message(m);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : std::string();
}

void expect_refused(const mail_message& m, errc why) {
  auto r = build_mime_message(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(why)) << r.error().message();
}

std::string header(const std::string& msg, const std::string& name) {
  const auto h = t::headers(msg);
  const auto it = h.find(name);
  return it == h.end() ? "<missing " + name + ">" : it->second;
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

// The body of the part whose headers contain `marker`.
std::string part_body(const std::string& msg, std::string_view marker) {
  const auto at = msg.find(marker);
  const auto start = msg.find("\r\n\r\n", at) + 4;
  const auto end = msg.find("\r\n--=_seatd_", start);
  return msg.substr(start, end + 2 - start);
}

TEST(ticket_mime_message, crlf_everywhere_and_no_line_over_the_limits) {
  const std::string msg = build(sample());
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      EXPECT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
    if (msg[i] == '\r') {
      EXPECT_TRUE(i + 1 < msg.size() && msg[i + 1] == '\n') << "bare CR at " << i;
    }
    EXPECT_LT(static_cast<unsigned char>(msg[i]), 0x80) << "8-bit byte at " << i;
  }
  for (const auto& line : t::lines(msg)) {
    EXPECT_LE(line.size(), 998U);
    EXPECT_LE(line.size(), 76U) << line;  // everything we write stays within 76
  }
  EXPECT_EQ(msg.substr(msg.size() - 2), "\r\n");
}

TEST(ticket_mime_message, headers_say_who_when_and_which_message) {
  const std::string msg = build(sample());
  EXPECT_EQ(header(msg, "Date"), "Sat, 05 Dec 2026 06:38:52 +0000");
  EXPECT_EQ(header(msg, "Message-ID"), "<booking-ABC-1A2B3C.confirmed@seatd.example>");
  EXPECT_EQ(header(msg, "MIME-Version"), "1.0");
  EXPECT_EQ(header(msg, "From"), "\"ABC Travels\" <tickets@abctravels.example>");
  EXPECT_EQ(t::decode_words(header(msg, "To")), "Zoë Núñez <zoe@example.com>");
  EXPECT_EQ(t::decode_words(header(msg, "Subject")), "Your ticket ABC-1A2B3C: Mumbai → Pune");
  EXPECT_NE(header(msg, "Subject").find("=?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(header(msg, "Content-Type").rfind("multipart/mixed;", 0), 0U);
}

TEST(ticket_mime_message, ascii_names_and_subjects_stay_readable_and_quoted) {
  mail_message m = sample();
  m.subject = "Plain subject";
  m.to.display_name = "Rao, \"Ravi\" \\ Jr";
  const std::string msg = build(m);
  EXPECT_EQ(header(msg, "Subject"), "Plain subject");
  EXPECT_EQ(header(msg, "To"), "\"Rao, \\\"Ravi\\\" \\\\ Jr\" <zoe@example.com>");
  m.to.display_name = "";
  EXPECT_EQ(header(build(m), "To"), "zoe@example.com");
}

TEST(ticket_mime_message, a_long_non_ascii_display_name_folds_and_decodes) {
  mail_message m = sample();
  m.to.display_name = std::string(20, 'x') + " Дмитрий Ковалёв-Łódź-Zoë-Núñez-" + std::string(30, 'y');
  const std::string msg = build(m);
  EXPECT_EQ(t::decode_words(header(msg, "To")), m.to.display_name + " <zoe@example.com>");
}

TEST(ticket_mime_message, header_injection_is_refused_in_every_header_input) {
  const std::string evil = "x\r\nBcc: victim@example.com";
  for (int field = 0; field < 7; ++field) {
    mail_message m = sample();
    switch (field) {
      case 0: m.subject = evil; break;
      case 1: m.to.display_name = evil; break;
      case 2: m.from.display_name = "x\nBcc: victim@example.com"; break;
      case 3: m.to.address = "zoe@example.com\r\nBcc: victim@example.com"; break;
      case 4: m.message_id = "id@host\r\nBcc: victim@example.com"; break;
      case 5: m.attachments[0].filename = "a.pdf\r\nBcc: x"; break;
      case 6: m.subject = "lone CR\rBcc: x"; break;
    }
    SCOPED_TRACE(field);
    expect_refused(m, errc::header_injection);
  }
}

TEST(ticket_mime_message, addresses_ids_and_file_names_outside_their_syntax_are_refused) {
  mail_message m = sample();
  m.to.address = "zoe@example.com, victim@example.com";
  expect_refused(m, errc::invalid_address);
  m = sample();
  m.from.address = "not-an-address";
  expect_refused(m, errc::invalid_address);
  m = sample();
  m.to.address = "Zoë@example.com";
  expect_refused(m, errc::invalid_address);
  m = sample();
  m.message_id = "<id@host>";
  expect_refused(m, errc::invalid_header);
  m = sample();
  m.message_id = "no-at-sign";
  expect_refused(m, errc::invalid_header);
  m = sample();
  m.attachments[0].filename = "pass\".pdf";
  expect_refused(m, errc::invalid_header);
  m = sample();
  m.attachments[0].content_type = "application/pdf; x=y";
  expect_refused(m, errc::invalid_header);
  EXPECT_FALSE(check_address("a@b.c"));
  EXPECT_EQ(check_address("a@b.c\n"), make_error_code(errc::header_injection));
}

TEST(ticket_mime_message, parts_are_alternative_text_and_html_plus_the_attachment) {
  const std::string msg = build(sample());
  const std::string text = part_body(msg, "Content-Type: text/plain; charset=UTF-8");
  const std::string html = part_body(msg, "Content-Type: text/html; charset=UTF-8");
  EXPECT_EQ(t::qp_decode(text), "Hello Zoë,\r\nyour booking is confirmed.\r\n\r\n");
  EXPECT_EQ(t::qp_decode(html), "<p>Hello Zo&euml;,</p>\r\n");
  const auto att = msg.find("Content-Disposition: attachment; filename=\"boarding-pass-ABC-1A2B3C.pdf\"");
  ASSERT_NE(att, std::string::npos);
  const std::string pdf = part_body(msg, "Content-Type: application/pdf; name=\"boarding-pass-ABC-1A2B3C.pdf\"");
  for (const auto& line : t::lines(pdf)) EXPECT_LE(line.size(), 76U);
  EXPECT_EQ(t::base64_decode(pdf), pdf_bytes());
  EXPECT_LT(msg.find("multipart/alternative"), msg.find("text/plain"));
  EXPECT_LT(msg.find("text/plain"), msg.find("text/html"));
  EXPECT_LT(msg.find("text/html"), att);
}

TEST(ticket_mime_message, boundaries_appear_only_as_delimiters) {
  mail_message m = sample();
  // Content that tries to look like a boundary line.
  m.text = "--=_seatd_mixed_0123\n--=_seatd_alt_\n=_seatd_";
  m.html = m.text;
  m.attachments[0].data = "--=_seatd_mixed_" + std::string(64, '_');
  const std::string msg = build(m);
  const std::string ct = header(msg, "Content-Type");
  const std::string mixed = ct.substr(ct.find("boundary=\"") + 10, ct.rfind('"') - ct.find("boundary=\"") - 10);
  ASSERT_EQ(mixed.rfind("=_seatd_mixed_", 0), 0U) << ct;
  EXPECT_EQ(mixed.size(), 14U + 32U);
  // Once in the header, twice as a delimiter (alternative part, attachment), once closing.
  EXPECT_EQ(count(msg, mixed), 4U);
  EXPECT_EQ(count(msg, "\r\n--" + mixed + "\r\n"), 2U);
  EXPECT_EQ(count(msg, "\r\n--" + mixed + "--\r\n"), 1U);
  const std::string alt = "=_seatd_alt_" + mixed.substr(14);
  EXPECT_EQ(count(msg, alt), 4U);  // parameter, two delimiters, closing
  // And every other message gets another boundary.
  EXPECT_EQ(build(m).find(mixed), std::string::npos);
}

TEST(ticket_mime_message, outgoing_mail_carries_the_envelope) {
  auto mail = make_outgoing_mail(sample());
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->envelope_from, "tickets@abctravels.example");
  EXPECT_EQ(mail->recipients, std::vector<std::string>{"zoe@example.com"});
  EXPECT_EQ(mail->message_id, "booking-ABC-1A2B3C.confirmed@seatd.example");
  EXPECT_EQ(mail->data.rfind("Date: ", 0), 0U);
}

booking_details booking() {
  booking_details b;
  b.operator_name = "ABC <Travels> & Sons";
  b.source = "Mumbai";
  b.destination = "Pune\r\nBcc: victim@example.com";  // an imported city name with a line break
  b.departure = "Sat 05 Dec 2026, 08:30";
  b.bus_name = "Shivneri";
  b.bus_number = "MH-12";
  b.booking_number = "ABC-1A2B3C";
  b.total_price = "INR 900";
  b.seats = {{7, "<script>alert('x')</script> & \"Bob\"", 34, "M"}, {8, "Zoë", std::nullopt, "F"}};
  return b;
}

TEST(ticket_booking_messages, html_escapes_every_user_supplied_string) {
  const message_texts m = booking_confirmation(booking(), "<b>Bob</b>");
  EXPECT_EQ(m.html.find("<script>"), std::string::npos);
  EXPECT_EQ(m.html.find("<b>Bob"), std::string::npos);
  EXPECT_EQ(m.html.find("<Travels>"), std::string::npos);
  EXPECT_NE(m.html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bob&quot;"),
            std::string::npos);
  EXPECT_NE(m.html.find("ABC &lt;Travels&gt; &amp; Sons"), std::string::npos);
  EXPECT_NE(m.html.find("Hello &lt;b&gt;Bob&lt;/b&gt;,"), std::string::npos);
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

TEST(ticket_booking_messages, confirmation_lists_booking_seats_and_passengers) {
  const message_texts m = booking_confirmation(booking(), "Bob");
  EXPECT_NE(m.subject.find("ABC-1A2B3C"), std::string::npos);
  EXPECT_NE(m.text.find("Hello Bob,"), std::string::npos);
  EXPECT_NE(m.text.find("confirmed"), std::string::npos);
  EXPECT_NE(m.text.find("  7  <script>alert('x')</script> & \"Bob\" (34, M)\n"), std::string::npos);
  EXPECT_NE(m.text.find("  8  Zoë (F)\n"), std::string::npos);
  EXPECT_NE(m.text.find("Mumbai → Pune"), std::string::npos);
  EXPECT_NE(m.text.find("INR 900"), std::string::npos);
  const message_texts c = booking_cancellation(booking(), "");
  EXPECT_EQ(c.subject.rfind("Cancelled: booking ABC-1A2B3C", 0), 0U);
  EXPECT_NE(c.text.find("Hello,\n"), std::string::npos);
  EXPECT_NE(c.html.find("cancelled"), std::string::npos);
}

TEST(ticket_booking_messages, line_breaks_in_booking_data_never_reach_a_header) {
  const message_texts texts = booking_confirmation(booking(), "Bob");
  EXPECT_EQ(texts.subject.find_first_of("\r\n"), std::string::npos);
  mail_message m = sample();
  m.subject = texts.subject;
  m.text = texts.text;
  m.html = texts.html;
  const std::string msg = build(m);
  for (const auto& line : t::lines(msg.substr(0, msg.find("\r\n\r\n")))) {
    EXPECT_NE(line.rfind("Bcc:", 0), 0U) << line;
  }
  EXPECT_NE(t::decode_words(header(msg, "Subject")).find("Pune  Bcc: victim@example.com"),
            std::string::npos);
}

}  // namespace
