#pragma once
// The words of the e-mails seatd sends: a booking's confirmation (with the boarding pass
// attached by the caller) and cancellation, and a waiting list's offer. Subject, plain text and HTML from the same
// booking_details, so the three agree. Every string that came from a person (names, cities,
// the operator, the bus) is HTML-escaped in the HTML part and put on one line in the text part.
#include <string>
#include <string_view>
#include <vector>

#include "ticket/booking_details.hpp"

namespace seatd::tickets {

struct message_texts {
  std::string subject;  // one line, UTF-8 (mime_message encodes it)
  std::string text;     // text/plain, UTF-8, LF line ends (mime_message makes them CRLF)
  std::string html;     // text/html, UTF-8, a whole document
};

// & < > " ' as entities: safe in element content and in quoted attribute values.
std::string html_escape(std::string_view s);

// traveller_name: who the mail is addressed to ("Hello Asha,"); empty for a plain greeting.
message_texts booking_confirmation(const booking_details& booking, std::string_view traveller_name);
message_texts booking_cancellation(const booking_details& booking, std::string_view traveller_name);

// A waiting list's offer: seats held for the traveller on a trip they queued for, until a time.
struct waitlist_offer_details {
  std::string operator_name;
  std::string source;
  std::string destination;
  std::string departure;    // as the booking mails write it (local time)
  std::string bus_name;
  std::vector<int> seats;   // ascending
  std::string held_until;   // local time, same format
};
message_texts waitlist_offer(const waitlist_offer_details& offer, std::string_view traveller_name);

}  // namespace seatd::tickets
