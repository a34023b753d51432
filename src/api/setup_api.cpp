// POST /setup/seed-schedule (admin): multipart upload of an .xlsx or .csv schedule, with
// optional fields: `week_of` chooses the week its trips are placed in, `weeks` (1..8) repeats
// it over that many consecutive weeks, `dry_run` answers what would be added and writes nothing.
#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/auth_guard.hpp"
#include "api/routes.hpp"
#include "service/schedule_loader.hpp"
#include "domain/local_time.hpp"
#include "domain/schedule_rules.hpp"
#include "net/multipart.hpp"

namespace seatd::api {

using net::http::status;

namespace {

// pydantic's booleans, as the original's form fields read them.
std::optional<bool> parse_bool(std::string_view text) {
  std::string v(text);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* yes : {"true", "1", "on", "yes", "t", "y"})
    if (v == yes) return true;
  for (const char* no : {"false", "0", "off", "no", "f", "n"})
    if (v == no) return false;
  return std::nullopt;
}

std::optional<int> parse_weeks(std::string_view text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

boost::asio::awaitable<net::response> seed_schedule(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);

  auto boundary = net::multipart_boundary(ctx.req[net::http::field::content_type]);
  if (!boundary)
    co_return net::error_response(status::bad_request,
                                  "Upload the schedule as multipart/form-data with a 'file' field");
  auto parts = net::parse_multipart(ctx.req.body(), *boundary);
  if (!parts) co_return net::error_response(status::bad_request, "Malformed multipart body");
  const net::form_part* file = nullptr;
  const net::form_part* week_field = nullptr;
  const net::form_part* weeks_field = nullptr;
  const net::form_part* dry_run_field = nullptr;
  for (const auto& p : *parts) {
    if (p.name == "file") file = &p;
    if (p.name == "week_of") week_field = &p;
    if (p.name == "weeks") weeks_field = &p;
    if (p.name == "dry_run") dry_run_field = &p;
  }
  if (!file)
    co_return net::validation_error(boost::json::array{"body", "file"}, "field required",
                                    "value_error.missing");
  // Optional: place the trips in the week of this day (YYYY-MM-DD) instead of the contract's
  // next free week. Malformed: 422 like any other bad field; a week already over: 400 below.
  std::optional<local_date> week_of;
  if (week_field) {
    week_of = parse_date(week_field->data);
    if (!week_of)
      co_return net::validation_error(boost::json::array{"body", "week_of"}, "invalid date format",
                                      "value_error.date");
  }
  // Optional: the same timetable in this many consecutive weeks (default 1).
  import_options options;
  if (weeks_field) {
    auto n = parse_weeks(weeks_field->data);
    if (!n)
      co_return net::validation_error(boost::json::array{"body", "weeks"},
                                      "value is not a valid integer", "type_error.integer");
    if (*n < 1 || *n > max_import_weeks)
      co_return net::validation_error(
          boost::json::array{"body", "weeks"},
          *n < 1 ? "ensure this value is greater than or equal to 1"
                 : "ensure this value is less than or equal to " + std::to_string(max_import_weeks),
          *n < 1 ? "value_error.number.not_ge" : "value_error.number.not_le");
    options.weeks = *n;
  }
  // Optional: decide everything, write nothing.
  if (dry_run_field) {
    auto b = parse_bool(dry_run_field->data);
    if (!b)
      co_return net::validation_error(boost::json::array{"body", "dry_run"},
                                      "value could not be parsed to a boolean", "type_error.bool");
    options.dry_run = *b;
  }

  auto today = std::chrono::floor<std::chrono::days>(to_local(svc.clk.now()));
  auto outcome = co_await svc.pool.run([&] {
    return service::load_schedule(svc.db, file->filename, file->data, today, week_of, options);
  });
  if (!outcome.ok) co_return net::error_response(status::bad_request, outcome.message);
  const import_summary& sum = outcome.summary;
  boost::json::array weeks, already;
  for (const auto& w : sum.weeks)
    weeks.push_back(boost::json::object{{"week_start", format_date(w.week_start)},
                                        {"trips", w.trips}});
  for (local_date w : sum.already_scheduled) already.push_back(boost::json::string(format_date(w)));
  co_return net::json_response(status::ok, {{"status", "success"},
                                            {"message", outcome.message},
                                            {"trips_created", sum.trips_created},
                                            {"trips_skipped", outcome.trips_skipped},
                                            {"buses_created", sum.buses_created},
                                            {"week_start", format_date(sum.week_start)},
                                            {"weeks", std::move(weeks)},
                                            {"dry_run", sum.dry_run},
                                            {"already_scheduled", std::move(already)}});
}

}  // namespace

void add_setup_routes(net::router& r, services& svc) {
  r.add(net::http::verb::post, "/setup/seed-schedule",
        [&svc](net::request_context& c) { return seed_schedule(c, svc); });
}

}  // namespace seatd::api
