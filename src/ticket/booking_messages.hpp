#pragma once
// The words of the two e-mails a booking sends: the confirmation (with the boarding pass
// attached by the caller) and the cancellation. Subject, plain text and HTML from the same
// booking_details, so the three agree. Every string that came from a person (names, cities,
// the operator, the bus) is HTML-escaped in the HTML part and put on one line in the text part.
#include <string>
#include <string_view>

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

}  // namespace seatd::tickets
