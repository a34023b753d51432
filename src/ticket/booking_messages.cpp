#include "ticket/booking_messages.hpp"

#include <string>

#include "ticket/utf8_text.hpp"

namespace seatd::tickets {

namespace {

// A person's text as one line: a name cannot add lines to the mail or to a table cell.
std::string one(std::string_view s) { return single_line(s); }
std::string esc(std::string_view s) { return html_escape(single_line(s)); }

std::string route(const booking_details& b) { return one(b.source) + " → " + one(b.destination); }

std::string bus(const booking_details& b) {
  std::string s = one(b.bus_name);
  if (!b.bus_number.empty()) s += (s.empty() ? "" : " ") + one(b.bus_number);
  return s;
}

std::string passenger_line(const passenger_seat& p) {
  std::string s = one(p.name);
  std::string extra;
  if (p.age) extra += std::to_string(*p.age);
  if (p.gender && !p.gender->empty()) extra += (extra.empty() ? "" : ", ") + one(*p.gender);
  if (!extra.empty()) s += " (" + extra + ")";
  return s;
}

std::string greeting(std::string_view name) {
  const std::string n = one(name);
  return n.find_first_not_of(' ') == std::string::npos ? "Hello," : "Hello " + n + ",";
}

// What both mails list: the facts of the booking, as text lines and as HTML table rows.
void facts_text(std::string& t, const booking_details& b) {
  t += "  Booking:    " + one(b.booking_number) + "\n";
  t += "  Operator:   " + one(b.operator_name) + "\n";
  t += "  Route:      " + route(b) + "\n";
  t += "  Departure:  " + one(b.departure) + " (local time)\n";
  t += "  Bus:        " + bus(b) + "\n";
  if (!b.total_price.empty()) t += "  Total:      " + one(b.total_price) + "\n";
  t += "\nSeats:\n";
  for (const auto& p : b.seats) t += "  " + std::to_string(p.seat_no) + "  " + passenger_line(p) + "\n";
}

void fact_row(std::string& h, std::string_view label, const std::string& escaped_value) {
  h += "<tr><th style=\"text-align:left;padding:2px 12px 2px 0;color:#555\">";
  h += label;
  h += "</th><td>" + escaped_value + "</td></tr>\n";
}

void facts_html(std::string& h, const booking_details& b) {
  h += "<table style=\"border-collapse:collapse\">\n";
  fact_row(h, "Booking", "<strong>" + esc(b.booking_number) + "</strong>");
  fact_row(h, "Operator", esc(b.operator_name));
  fact_row(h, "Route", html_escape(route(b)));
  fact_row(h, "Departure", esc(b.departure) + " (local time)");
  fact_row(h, "Bus", html_escape(bus(b)));
  if (!b.total_price.empty()) fact_row(h, "Total", esc(b.total_price));
  h += "</table>\n<h3>Seats</h3>\n<table style=\"border-collapse:collapse\">\n";
  for (const auto& p : b.seats) {
    h += "<tr><td style=\"padding:2px 12px 2px 0\"><strong>" + std::to_string(p.seat_no) +
         "</strong></td><td>" + html_escape(passenger_line(p)) + "</td></tr>\n";
  }
  h += "</table>\n";
}

std::string html_document(std::string_view title_escaped, const std::string& body) {
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
  h += title_escaped;
  h += "</title></head>\n<body style=\"font-family:sans-serif;color:#111\">\n";
  h += body;
  h += "</body></html>\n";
  return h;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

message_texts booking_confirmation(const booking_details& b, std::string_view traveller_name) {
  message_texts m;
  m.subject = "Your ticket " + one(b.booking_number) + ": " + route(b) + ", " + one(b.departure);

  m.text = greeting(traveller_name) + "\n\nyour booking is confirmed.\n\n";
  facts_text(m.text, b);
  m.text += "\nYour boarding pass is attached as a PDF: show its QR code (or tell the booking "
            "number) when you board.\n\nHave a good journey,\n" + one(b.operator_name) + "\n";

  std::string body = "<p>" + html_escape(greeting(traveller_name)) + "</p>\n";
  body += "<p>your booking is <strong style=\"color:#1a8c45\">confirmed</strong>.</p>\n";
  facts_html(body, b);
  body += "<p>Your boarding pass is attached as a PDF: show its QR code (or tell the booking "
          "number) when you board.</p>\n<p>Have a good journey,<br>" + esc(b.operator_name) +
          "</p>\n";
  m.html = html_document(html_escape(m.subject), body);
  return m;
}

message_texts booking_cancellation(const booking_details& b, std::string_view traveller_name) {
  message_texts m;
  m.subject = "Cancelled: booking " + one(b.booking_number) + ", " + route(b) + ", " +
              one(b.departure);

  m.text = greeting(traveller_name) + "\n\nyour booking has been cancelled. Its seats are "
           "released and its boarding pass is no longer valid.\n\n";
  facts_text(m.text, b);
  m.text += "\n" + one(b.operator_name) + "\n";

  std::string body = "<p>" + html_escape(greeting(traveller_name)) + "</p>\n";
  body += "<p>your booking has been <strong style=\"color:#cc1a1f\">cancelled</strong>. Its seats "
          "are released and its boarding pass is no longer valid.</p>\n";
  facts_html(body, b);
  body += "<p>" + esc(b.operator_name) + "</p>\n";
  m.html = html_document(html_escape(m.subject), body);
  return m;
}

message_texts waitlist_offer(const waitlist_offer_details& o, std::string_view traveller_name) {
  std::string seats;
  for (int s : o.seats) seats += (seats.empty() ? "" : ", ") + std::to_string(s);
  const std::string way = one(o.source) + " → " + one(o.destination);
  message_texts m;
  m.subject = "Seats for you: " + way + ", " + one(o.departure);
  const std::string lead = "seats have come free on a bus you are waiting for, and we are "
                           "holding them for you until " + one(o.held_until) +
                           " (local time). Book them before then: after that they go to the "
                           "next traveller in line.";
  const std::string close = "Open the trip's seat map: the seats show as yours, ready to book.";
  m.text = greeting(traveller_name) + "\n\n" + lead + "\n\n";
  m.text += "  Operator:   " + one(o.operator_name) + "\n";
  m.text += "  Route:      " + way + "\n";
  m.text += "  Departure:  " + one(o.departure) + " (local time)\n";
  if (!o.bus_name.empty()) m.text += "  Bus:        " + one(o.bus_name) + "\n";
  m.text += "  Seats:      " + seats + "\n";
  m.text += "\n" + close + "\n\n" + one(o.operator_name) + "\n";

  std::string body = "<p>" + html_escape(greeting(traveller_name)) + "</p>\n";
  body += "<p>" + html_escape(lead) + "</p>\n<table style=\"border-collapse:collapse\">\n";
  fact_row(body, "Operator", esc(o.operator_name));
  fact_row(body, "Route", html_escape(way));
  fact_row(body, "Departure", esc(o.departure) + " (local time)");
  if (!o.bus_name.empty()) fact_row(body, "Bus", esc(o.bus_name));
  fact_row(body, "Seats", "<strong>" + html_escape(seats) + "</strong>");
  fact_row(body, "Held until", "<strong>" + esc(o.held_until) + "</strong>");
  body += "</table>\n<p>" + html_escape(close) + "</p>\n<p>" + esc(o.operator_name) + "</p>\n";
  m.html = html_document(html_escape(m.subject), body);
  return m;
}

}  // namespace seatd::tickets
