#pragma once
// What a booking turns into on paper and in the mail: the domain's `ticket` (what the store
// returns) made into the ticket layer's values. One place builds the booking_details, so the
// PDF served by GET /bookings/{n}/ticket.pdf, the one attached to the confirmation e-mail and
// the e-mail's words always agree.
//
//   - departure: the trip's departure time as stored, which is already the departure city's
//     local time (the schedule's times are local), written "Sat 05 Dec 2026, 08:30";
//   - operator: the trip's bus operator, or the configured fallback when the bus has none;
//   - boarding code: tickets::boarding_codec over the server secret (SB1.<booking>.<trip>.<mac>);
//   - e-mail for an outbox row: From = MAIL_FROM, To = the booking's user, Date = the row's
//     created_at and Message-ID = <seatd.outbox.{id}.{booking}@{MAIL_FROM's domain}>, both from
//     the row alone, so a resend after a crash is byte-for-byte the same message as far as any
//     receiver can tell (the MIME boundaries aside) and duplicates can be dropped by id.
//
// The confirmation carries the boarding pass PDF. The cancellation carries no attachment: a
// cancelled booking has no valid pass, and a PDF with a QR code in a mail invites someone to
// print it and queue at the bus door with it (the check-in desk would refuse it, but the mail
// should not hand it out in the first place); the text says the booking is cancelled.
//
// Pure apart from the CPU: no database, no clock, no network; safe to call from any thread.
// Rendering a PDF takes milliseconds: callers run it on a worker pool, never on an I/O thread.
#include <string>
#include <string_view>

#include "domain/errc.hpp"
#include "domain/model.hpp"
#include "ticket/boarding_code.hpp"
#include "ticket/boarding_pass_pdf.hpp"
#include "ticket/booking_details.hpp"
#include "ticket/booking_messages.hpp"
#include "ticket/mail_sender.hpp"
#include "ticket/mime_message.hpp"

namespace seatd::service {

// "seatd <tickets@localhost>", "tickets@example.com" or "\"ABC Travels\" <t@example.com>":
// a display name (optional, may be quoted) and an addr-spec the ticket layer accepts.
// tickets::errc::invalid_address (or header_injection) otherwise.
result<tickets::mailbox> parse_mailbox(std::string_view text);

// "Sat 05 Dec 2026, 08:30": the stored local time, written as it is (no zone conversion).
std::string format_departure(local_time t);
// "INR 1,800": a whole number of rupees with thousands separators.
std::string format_rupees(std::int64_t amount);

struct ticket_documents_options {
  std::string server_secret;   // SECRET_KEY: the boarding code's key is derived from it
  tickets::mailbox from;       // MAIL_FROM, already parsed
  std::string default_operator;  // empty: from's display name, else "seatd"
  tickets::pdf_options pdf;
};

class ticket_documents {
 public:
  // Throws std::invalid_argument for an empty secret or an unusable From address (the
  // configuration was checked before: a bug).
  explicit ticket_documents(ticket_documents_options options);

  // The ticket's facts as tickets::booking_details: seats in order, each with its passenger's
  // name (or the booking user's name when the booking named nobody), age and gender.
  tickets::booking_details details(const ticket& t) const;

  // SB1.<booking>.<trip>.<mac>; errc from the codec for a booking number it cannot carry.
  result<std::string> boarding_code(const ticket& t) const;

  // The A6 boarding pass PDF bytes for GET /bookings/{n}/ticket.pdf (and the confirmation's
  // attachment). The pass shows the booking's status: a cancelled booking gets a pass marked
  // CANCELLED. tickets::errc on a render failure.
  result<std::string> boarding_pass_pdf(const ticket& t) const;
  // "boarding-pass-ABC-1A2B3C.pdf": the attachment's name (and a good Content-Disposition).
  static std::string boarding_pass_filename(std::string_view booking_number);

  // The e-mail the outbox row stands for, ready for a mail_sender. `t` is the row's booking as
  // it is now. A confirmation whose booking has since been cancelled is still sent (it tells
  // what was booked; its pass says CANCELLED, and the cancellation follows). Errors:
  // tickets::errc::invalid_address (the user's e-mail cannot be mailed), invalid_header, PDF
  // errors: none of them gets better by retrying.
  result<tickets::outgoing_mail> mail_for(const outbox_message& row, const ticket& t) const;

  // A waiting list's offer (kind waitlist_offer): the seats held for the traveller and until
  // when, as the row's entry says now. tickets::errc::invalid_address and the like.
  result<tickets::outgoing_mail> mail_for_offer(const outbox_message& row,
                                                const waitlist_offer_mail& offer) const;

  // seatd.outbox.{id}.{booking}@{domain} (an offer: seatd.outbox.{id}.waitlist{entry}@...),
  // without <>.
  std::string message_id(const outbox_message& row) const;

  // For the check-in desk: verify() a scanned code.
  const tickets::boarding_codec& codec() const noexcept { return codec_; }
  const tickets::mailbox& from() const noexcept { return options_.from; }

 private:
  // The outbox row's message to `name <email>` with these words (no attachment yet).
  tickets::mail_message message_of(const outbox_message& row, const std::string& name,
                                   const std::string& email,
                                   const tickets::message_texts& texts) const;

  ticket_documents_options options_;
  tickets::boarding_codec codec_;
  std::string domain_;  // of the From address
};

}  // namespace seatd::service
