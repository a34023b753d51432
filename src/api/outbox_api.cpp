// The e-mails bookings send, for the operator: GET /admin/outbox?status=failed&limit=N (with
// the backlog's counts) and POST /admin/outbox/{id}/resend.
#include <boost/json/array.hpp>

#include "api/auth_guard.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

json::object outbox_json(const outbox_message& m) {
  return {{"id", m.id},
          {"kind", to_string(m.kind)},
          {"booking_number", m.booking_number},
          {"waitlist_id", m.waitlist_id ? json::value(m.waitlist_id) : json::value(nullptr)},
          {"status", to_string(m.status)},
          {"attempts", m.attempts},
          {"created_at", epoch_ms(m.created_at)},
          {"next_attempt_at", epoch_ms(m.next_attempt_at)},
          {"sent_at", epoch_ms_or_null(m.sent_at)},
          {"last_error", m.last_error}};
}

awaitable_response list(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  std::optional<outbox_status> wanted;
  if (auto s = ctx.query_param("status")) {
    if (*s == "pending") wanted = outbox_status::pending;
    else if (*s == "sent") wanted = outbox_status::sent;
    else if (*s == "failed") wanted = outbox_status::failed;
    else co_return net::error_response(status::bad_request, "status is pending, sent or failed");
  }
  int limit = 100;
  if (auto l = ctx.query_param("limit")) {
    try {
      std::size_t used = 0;
      limit = std::stoi(*l, &used);
      if (used != l->size() || limit < 1 || limit > 1000) throw std::out_of_range("limit");
    } catch (const std::exception&) {
      co_return net::error_response(status::bad_request, "limit is a number from 1 to 1000");
    }
  }
  auto rows = co_await svc.pool.run([&svc, wanted, limit] { return svc.db.list_outbox(wanted, limit); });
  auto counts = co_await svc.pool.run([&svc] { return svc.db.count_outbox(); });
  json::array out;
  for (const auto& m : rows) out.push_back(outbox_json(m));
  co_return net::json_response(
      status::ok, json::object{{"pending", counts.pending},
                               {"failed", counts.failed},
                               {"sent", counts.sent},
                               {"messages", std::move(out)}});
}

awaitable_response resend(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const row_id id = ctx.params.get_int("id");
  const auto now = svc.clk.now();
  auto m = co_await svc.pool.run([&svc, id, now] { return svc.db.resend_outbox(id, now); });
  if (!m) {
    if (m.error() == errc::invalid_input)
      co_return net::error_response(status::conflict, "This message is waiting to be sent already");
    co_return net::error_response(status::not_found, "Message not found");
  }
  if (svc.mail_due) svc.mail_due();
  co_return net::json_response(status::ok, outbox_json(*m));
}

}  // namespace

void add_outbox_routes(net::router& r, services& svc) {
  using net::http::verb;
  r.add(verb::get, "/admin/outbox", [&svc](net::request_context& c) { return list(c, svc); });
  r.add(verb::post, "/admin/outbox/{id:int}/resend",
        [&svc](net::request_context& c) { return resend(c, svc); });
}

}  // namespace seatd::api
