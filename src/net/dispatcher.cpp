#include "net/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "domain/errc.hpp"
#include "net/log_fields.hpp"
#include "net/query_string.hpp"
#include "net/request_context.hpp"

namespace seatd::net {

std::optional<std::string> request_context::query_param(std::string_view name) const {
  return query_value(query, name);
}

bool dispatcher::origin_allowed(std::string_view origin) const {
  for (const auto& o : opts_.cors_origins)
    if (o == "*" || o == origin) return true;
  return false;
}

void dispatcher::add_cors(const request& req, response& res) const {
  auto origin = req[http::field::origin];
  if (origin.empty() || !origin_allowed(origin)) return;
  // Credentials are allowed, so the origin is echoed (never "*") and caches vary on it.
  res.set(http::field::access_control_allow_origin, origin);
  res.set(http::field::access_control_allow_credentials, "true");
  res.set(http::field::vary, "Origin");
}

response dispatcher::preflight(const request& req, std::string_view path) const {
  auto origin = req[http::field::origin];
  if (!origin_allowed(origin)) {
    response res{http::status::bad_request, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "Disallowed CORS origin";
    res.prepare_payload();
    return res;
  }
  std::string methods;
  for (auto m : router_.methods_for(path)) {
    if (!methods.empty()) methods += ", ";
    methods += std::string(http::to_string(m));
  }
  response res{http::status::ok, 11};
  res.set(http::field::access_control_allow_methods,
          methods.empty() ? "GET, POST, OPTIONS" : methods + ", OPTIONS");
  auto requested = req[http::field::access_control_request_headers];
  res.set(http::field::access_control_allow_headers,
          requested.empty() ? "Authorization, Content-Type" : requested);
  res.set(http::field::access_control_max_age, "600");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = "OK";
  add_cors(req, res);
  res.prepare_payload();
  return res;
}

boost::asio::awaitable<admission> dispatcher::admit(const request& req) const {
  admission out{std::nullopt, opts_.max_body_bytes};
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') co_return out;  // dispatch answers 400
  if (req.method() == http::verb::options &&
      !req[http::field::access_control_request_method].empty())
    co_return out;  // a CORS preflight
  auto m = router_.find(req.method(), path);
  if (!m.h) {
    // GET and HEAD may name a file of the UI (dispatch decides); anything else is refused
    // before its body arrives.
    if (req.method() == http::verb::get || req.method() == http::verb::head) co_return out;
    out.refusal = std::move(*m.error);
    add_cors(req, *out.refusal);
    co_return out;
  }
  out.route = m.route;
  if (m.policy->who != access::anyone && check_) {
    try {
      out.refusal = co_await check_(req, m.policy->who);
    } catch (const unavailable_error& e) {
      scoped_log_fields fields(request_log_fields(req));
      spdlog::warn("backend unavailable checking {} {}: {}", req.method_string(), path, e.what());
      out.refusal = error_response(http::status::service_unavailable,
                                   "Service temporarily unavailable, please retry shortly");
      out.refusal->set(http::field::retry_after, "1");
    } catch (const std::exception& e) {
      scoped_log_fields fields(request_log_fields(req));
      spdlog::error("access check failed on {} {}: {}", req.method_string(), path, e.what());
      out.refusal = error_response(http::status::internal_server_error, "Internal Server Error");
    }
    if (out.refusal) {
      add_cors(req, *out.refusal);
      co_return out;
    }
  }
  if (m.policy->body == body_size::upload) out.body_limit = opts_.max_upload_bytes;
  co_return out;
}

boost::asio::awaitable<response> dispatcher::dispatch(const request& req, std::string remote,
                                                      boost::asio::ip::address peer) const {
  std::string_view target = req.target();
  auto qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
  if (path.empty() || path.front() != '/') co_return error_response(http::status::bad_request,
                                                                    "Bad request target");

  if (req.method() == http::verb::options &&
      !req[http::field::access_control_request_method].empty()) {
    co_return preflight(req, path);
  }

  // The browser UI: "/" for a browser navigating (API clients and health checks asking for
  // JSON still get the API's answer), and any file of the UI that no API route claims.
  bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (get && path == "/" && prefers_html(req[http::field::accept]))
    if (auto page = web_.serve(req, path)) co_return std::move(*page);

  auto m = router_.find(req.method(), path);
  response res;
  if (!m.h && get && path != "/") {
    if (auto file = web_.serve(req, path)) co_return std::move(*file);
  }
  if (!m.h) {
    res = std::move(*m.error);
  } else {
    request_context ctx{req, std::move(m.params), path, query, std::move(remote), peer};
    try {
      res = co_await (*m.h)(ctx);
    } catch (const unavailable_error& e) {
      scoped_log_fields fields(request_log_fields(req));
      spdlog::warn("backend unavailable on {} {}: {}", req.method_string(), path, e.what());
      res = error_response(http::status::service_unavailable,
                           "Service temporarily unavailable, please retry shortly");
      res.set(http::field::retry_after, "1");
    } catch (const std::exception& e) {
      scoped_log_fields fields(request_log_fields(req));
      spdlog::error("unhandled error on {} {}: {}", req.method_string(), path, e.what());
      res = error_response(http::status::internal_server_error, "Internal Server Error");
    }
  }
  add_cors(req, res);
  co_return res;
}

}  // namespace seatd::net
