#include "service/ticket_documents.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "domain/local_time.hpp"
#include "ticket/booking_messages.hpp"
#include "ticket/errc.hpp"

namespace seatd::service {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Keeps what may appear in a Message-ID's left part or a file name: [A-Za-z0-9-].
std::string id_safe(std::string_view s) {
  std::string out;
  for (char c : s)
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
      out += c;
  return out.empty() ? std::string("booking") : out;
}

}  // namespace

result<tickets::mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  tickets::mailbox out;
  if (text.find_first_of("\r\n") != std::string_view::npos)
    return make_error_code(tickets::errc::header_injection);
  if (!text.empty() && text.back() == '>') {
    const auto open = text.rfind('<');
    if (open == std::string_view::npos) return make_error_code(tickets::errc::invalid_address);
    out.address = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    out.display_name = std::string(name);
  } else {
    out.address = std::string(text);
  }
  if (auto ec = tickets::check_address(out.address)) return ec;
  return out;
}

std::string format_departure(local_time t) {
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  return fmt::format("{} {:02} {} {:04}, {:02}:{:02}", weekday_short(day), unsigned(ymd.day()),
                     months.at(unsigned(ymd.month()) - 1), int(ymd.year()), hms.hours().count(),
                     hms.minutes().count());
}

std::string format_rupees(std::int64_t amount) {
  const bool negative = amount < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(amount) : std::uint64_t(amount);
  const std::string digits = std::to_string(magnitude);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return (negative ? "INR -" : "INR ") + grouped;
}

ticket_documents::ticket_documents(ticket_documents_options options)
    : options_(std::move(options)), codec_(options_.server_secret) {
  if (auto ec = tickets::check_address(options_.from.address))
    throw std::invalid_argument("ticket_documents: unusable From address '" +
                                options_.from.address + "': " + ec.message());
  domain_ = options_.from.address.substr(options_.from.address.rfind('@') + 1);
  if (options_.default_operator.empty())
    options_.default_operator =
        options_.from.display_name.empty() ? std::string("seatd") : options_.from.display_name;
}

tickets::booking_details ticket_documents::details(const ticket& t) const {
  tickets::booking_details b;
  b.operator_name = t.trip.operator_name.empty() ? options_.default_operator : t.trip.operator_name;
  b.source = t.trip.source;
  b.destination = t.trip.destination;
  b.departure = format_departure(t.trip.departure_time);
  b.bus_name = t.trip.bus_name;
  if (!t.trip.bus_type.empty()) b.bus_name += (b.bus_name.empty() ? "" : " ") + ("(" + t.trip.bus_type + ")");
  b.booking_number = t.booking_number;
  b.status = t.status;
  // One row per seat: the passenger named for it, else the booking's user.
  for (int seat : t.seats) {
    tickets::passenger_seat s;
    s.seat_no = seat;
    s.name = t.user_name;
    auto p = std::find_if(t.passengers.begin(), t.passengers.end(),
                          [seat](const passenger& x) { return x.seat_no == seat; });
    if (p != t.passengers.end()) {
      if (p->name && !p->name->empty()) s.name = *p->name;
      s.age = p->age;
      s.gender = p->gender;
    }
    b.seats.push_back(std::move(s));
  }
  b.total_price = format_rupees(t.trip.price * std::int64_t(t.seats.size()));
  return b;
}

result<std::string> ticket_documents::boarding_code(const ticket& t) const {
  return codec_.issue(t.booking_number, t.trip.id);
}

result<std::string> ticket_documents::boarding_pass_pdf(const ticket& t) const {
  tickets::boarding_pass pass;
  pass.booking = details(t);
  auto code = boarding_code(t);
  if (!code) return code.error();
  pass.boarding_code = std::move(*code);
  return tickets::render_boarding_pass(pass, options_.pdf);
}

std::string ticket_documents::boarding_pass_filename(std::string_view booking_number) {
  return "boarding-pass-" + id_safe(booking_number) + ".pdf";
}

std::string ticket_documents::message_id(const outbox_message& row) const {
  if (row.kind == mail_kind::waitlist_offer)
    return fmt::format("seatd.outbox.{}.waitlist{}@{}", row.id, row.waitlist_id, domain_);
  return fmt::format("seatd.outbox.{}.{}@{}", row.id, id_safe(row.booking_number), domain_);
}

tickets::mail_message ticket_documents::message_of(const outbox_message& row,
                                                   const std::string& name,
                                                   const std::string& email,
                                                   const tickets::message_texts& texts) const {
  tickets::mail_message m;
  m.from = options_.from;
  m.to = {name, email};
  m.subject = texts.subject;
  m.text = texts.text;
  m.html = texts.html;
  m.date = row.created_at;  // a resend is the same message: same Date, same Message-ID
  m.message_id = message_id(row);
  return m;
}

result<tickets::outgoing_mail> ticket_documents::mail_for(const outbox_message& row,
                                                          const ticket& t) const {
  if (auto ec = tickets::check_address(t.user_email)) return ec;
  tickets::booking_details b = details(t);
  const bool confirmation = row.kind == mail_kind::booking_confirmation;
  if (!confirmation) b.status = booking_status::cancelled;  // whatever the row says now
  const tickets::message_texts texts = confirmation
                                           ? tickets::booking_confirmation(b, t.user_name)
                                           : tickets::booking_cancellation(b, t.user_name);
  tickets::mail_message m = message_of(row, t.user_name, t.user_email, texts);
  if (confirmation) {
    auto pdf = boarding_pass_pdf(t);
    if (!pdf) return pdf.error();
    m.attachments.push_back(
        {boarding_pass_filename(t.booking_number), "application/pdf", std::move(*pdf)});
  }
  return tickets::make_outgoing_mail(m);
}

result<tickets::outgoing_mail> ticket_documents::mail_for_offer(
    const outbox_message& row, const waitlist_offer_mail& offer) const {
  if (auto ec = tickets::check_address(offer.email)) return ec;
  tickets::waitlist_offer_details d;
  d.operator_name =
      offer.trip.operator_name.empty() ? options_.default_operator : offer.trip.operator_name;
  d.source = offer.trip.source;
  d.destination = offer.trip.destination;
  d.departure = format_departure(offer.trip.departure_time);
  d.bus_name = offer.trip.bus_name;
  if (!offer.trip.bus_type.empty())
    d.bus_name += (d.bus_name.empty() ? "" : " ") + ("(" + offer.trip.bus_type + ")");
  d.seats = offer.entry.offered_seats;
  if (offer.entry.offer_expires_at)
    d.held_until = format_departure(to_local(*offer.entry.offer_expires_at));
  const tickets::message_texts texts = tickets::waitlist_offer(d, offer.username);
  return tickets::make_outgoing_mail(message_of(row, offer.username, offer.email, texts));
}

}  // namespace seatd::service
