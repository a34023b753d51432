// service/ticket_documents: a domain ticket as the ticket layer's booking_details, the boarding
// code, the PDF and the outbox row's e-mail (deterministic Message-ID and Date, attachment only
// on the confirmation).
#include <gtest/gtest.h>

#include "service/ticket_documents.hpp"
#include "ticket/booking_messages.hpp"
#include "ticket/errc.hpp"
#include "ticket/mime_encoding.hpp"

namespace seatd::service {
namespace {

using namespace std::chrono_literals;

ticket sample_ticket() {
  ticket t;
  t.booking_number = "ABC-1A2B3C";
  t.user_id = 7;
  t.trip.id = 42;
  t.trip.source = "Chennai";
  t.trip.destination = "Madurai";
  t.trip.departure_time = *parse_iso("2026-12-07T21:05:00");
  t.trip.price = 900;
  t.trip.bus_name = "Bus X";
  t.trip.bus_type = "AC";
  t.trip.operator_name = "ABC Travels";
  t.status = booking_status::confirmed;
  t.seats = {17, 18};
  t.user_name = "Asha Rao";
  t.user_email = "asha@example.com";
  passenger p;
  p.seat_no = 18;
  p.name = "Ravi Rao";
  p.age = 36;
  p.gender = "Male";
  t.passengers = {p};  // seat 17 names nobody: the booking's user travels there
  return t;
}

outbox_message row(mail_kind kind, row_id id = 5) {
  outbox_message m;
  m.id = id;
  m.kind = kind;
  m.booking_number = "ABC-1A2B3C";
  m.attempts = 1;
  m.created_at = sys_ms{1'796'452'732'000ms};  // Sat, 05 Dec 2026 06:38:52 +0000
  return m;
}

ticket_documents documents() {
  ticket_documents_options o;
  o.server_secret = "unit-test-secret-0123456789abcdef0123";
  o.from = parse_mailbox("ABC Tickets <tickets@abc.example>").value();
  o.pdf.unicode_font.clear();  // no font file needed here
  return ticket_documents(std::move(o));
}

TEST(ticket_documents, parse_mailbox_forms) {
  auto plain = parse_mailbox("tickets@example.com");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->address, "tickets@example.com");
  EXPECT_EQ(plain->display_name, "");
  auto named = parse_mailbox("  seatd <tickets@localhost> ");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->display_name, "seatd");
  EXPECT_EQ(named->address, "tickets@localhost");
  auto quoted = parse_mailbox("\"ABC Travels\" <t@abc.example>");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->display_name, "ABC Travels");
  EXPECT_FALSE(parse_mailbox("not an address"));
  EXPECT_FALSE(parse_mailbox("seatd <tickets>"));
  EXPECT_FALSE(parse_mailbox("seatd tickets@localhost>"));
  EXPECT_FALSE(parse_mailbox(""));
  auto injected = parse_mailbox("a@b.example\r\nBcc: victim@example.com");
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error(), make_error_code(tickets::errc::header_injection));
}

TEST(ticket_documents, departure_and_price_formats) {
  EXPECT_EQ(format_departure(*parse_iso("2026-12-05T08:30:00")), "Sat 05 Dec 2026, 08:30");
  EXPECT_EQ(format_departure(*parse_iso("2027-01-01T00:00:59")), "Fri 01 Jan 2027, 00:00");
  EXPECT_EQ(format_rupees(0), "INR 0");
  EXPECT_EQ(format_rupees(900), "INR 900");
  EXPECT_EQ(format_rupees(1800), "INR 1,800");
  EXPECT_EQ(format_rupees(1234567), "INR 1,234,567");
}

TEST(ticket_documents, details_of_a_ticket) {
  const auto b = documents().details(sample_ticket());
  EXPECT_EQ(b.operator_name, "ABC Travels");
  EXPECT_EQ(b.source, "Chennai");
  EXPECT_EQ(b.destination, "Madurai");
  EXPECT_EQ(b.departure, "Mon 07 Dec 2026, 21:05");  // as stored: already local time
  EXPECT_EQ(b.bus_name, "Bus X (AC)");
  EXPECT_EQ(b.booking_number, "ABC-1A2B3C");
  EXPECT_EQ(b.status, booking_status::confirmed);
  EXPECT_EQ(b.total_price, "INR 1,800");
  ASSERT_EQ(b.seats.size(), 2u);
  EXPECT_EQ(b.seats[0].seat_no, 17);
  EXPECT_EQ(b.seats[0].name, "Asha Rao");  // nobody named: the booking's user
  EXPECT_FALSE(b.seats[0].age);
  EXPECT_EQ(b.seats[1].seat_no, 18);
  EXPECT_EQ(b.seats[1].name, "Ravi Rao");
  EXPECT_EQ(b.seats[1].age, 36);
  EXPECT_EQ(b.seats[1].gender, "Male");
}

TEST(ticket_documents, operator_falls_back_to_the_configured_one) {
  auto t = sample_ticket();
  t.trip.operator_name.clear();
  EXPECT_EQ(documents().details(t).operator_name, "ABC Tickets");  // MAIL_FROM's display name
  ticket_documents_options o;
  o.server_secret = "unit-test-secret-0123456789abcdef0123";
  o.from = parse_mailbox("tickets@abc.example").value();
  o.default_operator = "Night Buses";
  EXPECT_EQ(ticket_documents(o).details(t).operator_name, "Night Buses");
  o.default_operator.clear();
  EXPECT_EQ(ticket_documents(o).details(t).operator_name, "seatd");
}

TEST(ticket_documents, boarding_code_verifies_for_the_booking_and_trip) {
  const auto docs = documents();
  auto code = docs.boarding_code(sample_ticket());
  ASSERT_TRUE(code);
  EXPECT_TRUE(code->starts_with("SB1.ABC-1A2B3C.42."));
  auto claim = docs.codec().verify(*code);
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->booking_number, "ABC-1A2B3C");
  EXPECT_EQ(claim->trip_id, 42);
}

TEST(ticket_documents, boarding_pass_pdf_is_a_pdf) {
  auto pdf = documents().boarding_pass_pdf(sample_ticket());
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  EXPECT_NE(pdf->find("%%EOF"), std::string::npos);
}

TEST(ticket_documents, message_id_comes_from_the_row_alone) {
  const auto docs = documents();
  EXPECT_EQ(docs.message_id(row(mail_kind::booking_confirmation, 5)),
            "seatd.outbox.5.ABC-1A2B3C@abc.example");
  EXPECT_EQ(docs.message_id(row(mail_kind::booking_cancellation, 6)),
            "seatd.outbox.6.ABC-1A2B3C@abc.example");
}

TEST(ticket_documents, confirmation_mail_carries_the_pass_and_the_rows_date) {
  const auto docs = documents();
  auto mail = docs.mail_for(row(mail_kind::booking_confirmation), sample_ticket());
  ASSERT_TRUE(mail) << mail.error().message();
  EXPECT_EQ(mail->envelope_from, "tickets@abc.example");
  EXPECT_EQ(mail->recipients, std::vector<std::string>{"asha@example.com"});
  EXPECT_EQ(mail->message_id, "seatd.outbox.5.ABC-1A2B3C@abc.example");
  EXPECT_NE(mail->data.find("Message-ID: <seatd.outbox.5.ABC-1A2B3C@abc.example>\r\n"),
            std::string::npos);
  EXPECT_NE(mail->data.find("Date: Sat, 05 Dec 2026 06:38:52 +0000\r\n"), std::string::npos);
  // The subject has a non-ASCII arrow (Chennai → Madurai): encoded words.
  const auto subject = tickets::booking_confirmation(docs.details(sample_ticket()), "").subject;
  EXPECT_TRUE(subject.starts_with("Your ticket ABC-1A2B3C")) << subject;
  EXPECT_NE(mail->data.find("Subject: " + tickets::encoded_words(subject, 9)), std::string::npos);
  EXPECT_NE(mail->data.find("filename=\"boarding-pass-ABC-1A2B3C.pdf\""), std::string::npos);
  EXPECT_NE(mail->data.find("Content-Type: application/pdf"), std::string::npos);

  // Built again (a resend after a crash): the same id and date.
  auto again = docs.mail_for(row(mail_kind::booking_confirmation), sample_ticket());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->message_id, mail->message_id);
  EXPECT_NE(again->data.find("Date: Sat, 05 Dec 2026 06:38:52 +0000\r\n"), std::string::npos);
}

TEST(ticket_documents, cancellation_mail_has_no_pass) {
  auto t = sample_ticket();
  t.status = booking_status::confirmed;  // as cancel_booking returns it: "as it was"
  const auto docs = documents();
  auto mail = docs.mail_for(row(mail_kind::booking_cancellation, 6), t);
  ASSERT_TRUE(mail) << mail.error().message();
  auto cancelled = docs.details(t);
  cancelled.status = booking_status::cancelled;
  const auto subject = tickets::booking_cancellation(cancelled, "").subject;
  EXPECT_TRUE(subject.starts_with("Cancelled: booking ABC-1A2B3C")) << subject;
  EXPECT_NE(mail->data.find("Subject: " + tickets::encoded_words(subject, 9)), std::string::npos);
  EXPECT_EQ(mail->data.find("application/pdf"), std::string::npos);
  EXPECT_EQ(mail->message_id, "seatd.outbox.6.ABC-1A2B3C@abc.example");
}

TEST(ticket_documents, an_unmailable_address_is_refused) {
  auto t = sample_ticket();
  t.user_email = "not-an-address";
  auto mail = documents().mail_for(row(mail_kind::booking_confirmation), t);
  ASSERT_FALSE(mail);
  EXPECT_EQ(mail.error(), make_error_code(tickets::errc::invalid_address));
}

}  // namespace
}  // namespace seatd::service
