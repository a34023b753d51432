// POST /setup/seed-schedule (admin): multipart upload of an .xlsx or .csv schedule, with an
// optional `week_of` field choosing the week its trips are placed in.
#include "api/auth_guard.hpp"
#include "api/routes.hpp"
#include "service/schedule_loader.hpp"
#include "domain/local_time.hpp"
#include "net/multipart.hpp"

namespace seatd::api {

using net::http::status;

namespace {

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
  for (const auto& p : *parts) {
    if (p.name == "file") file = &p;
    if (p.name == "week_of") week_field = &p;
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

  auto today = std::chrono::floor<std::chrono::days>(to_local(svc.clk.now()));
  auto outcome = co_await svc.pool.run(
      [&] { return service::load_schedule(svc.db, file->filename, file->data, today, week_of); });
  if (!outcome.ok) co_return net::error_response(status::bad_request, outcome.message);
  co_return net::json_response(status::ok, {{"status", "success"},
                                            {"message", outcome.message},
                                            {"trips_created", outcome.summary.trips_created},
                                            {"buses_created", outcome.summary.buses_created},
                                            {"week_start", format_date(outcome.summary.week_start)}});
}

}  // namespace

void add_setup_routes(net::router& r, services& svc) {
  r.add(net::http::verb::post, "/setup/seed-schedule",
        [&svc](net::request_context& c) { return seed_schedule(c, svc); });
}

}  // namespace seatd::api
