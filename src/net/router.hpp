#pragma once
// One route table: method + path pattern -> handler. Patterns are literal segments and
// parameters: "{name}" (any non-empty segment) or "{name:int}" (a 64-bit integer; anything
// else answers 422 as the original's FastAPI did). A trailing slash is ignored when matching,
// so "/bookings/" is also reachable as "/bookings".
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"

namespace seatd::net {

struct request_context;
using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

// What a route lets in before its body is read: who may call it (checked on the header, so an
// anonymous client cannot make the server buffer a body it will refuse) and how large a body
// it takes. The handler stays the authority (it checks again); this only refuses early.
enum class access { anyone, user, admin };
enum class body_size { small, upload };  // http_options::max_body_bytes / max_upload_bytes
struct route_policy {
  access who = access::anyone;
  body_size body = body_size::small;
};

struct route_params {
  std::vector<std::pair<std::string, std::string>> values;
  std::string_view get(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;  // only for ":int" params (pre-checked)
};

class router {
 public:
  void add(http::verb method, std::string_view pattern, handler h, route_policy policy = {});
  // Sets the policy of a route already added with exactly this method and pattern; throws
  // std::logic_error when there is none (a renamed route must not silently lose its policy).
  void set_policy(http::verb method, std::string_view pattern, route_policy policy);

  // A route's index in the table (in the order added), for what is kept per route (metrics).
  static constexpr std::size_t no_route = static_cast<std::size_t>(-1);
  std::size_t size() const { return routes_.size(); }
  http::verb method_of(std::size_t route) const { return routes_.at(route).method; }
  // The pattern as added, e.g. "/trips/{trip_id:int}": a bounded label, never a client's path.
  const std::string& pattern_of(std::size_t route) const { return routes_.at(route).pattern; }

  struct match {
    const handler* h = nullptr;
    std::size_t route = no_route;  // with h
    const route_policy* policy = nullptr;  // with h
    route_params params;
    std::optional<response> error;  // 404, 405 or 422 when no handler applies
  };
  match find(http::verb method, std::string_view path) const;
  // Methods registered for a path (for CORS preflight and 405 Allow).
  std::vector<http::verb> methods_for(std::string_view path) const;

  // Every route as added, in that order: what `seatd routes` prints and what the API
  // description test compares with docs/api/openapi.json.
  struct entry {
    http::verb method;
    std::string pattern;  // e.g. "/trips/{trip_id:int}"
    route_policy policy;
  };
  std::vector<entry> list() const;

 private:
  struct segment {
    std::string text;  // literal text or parameter name
    bool param = false;
    bool integer = false;
  };
  struct route {
    http::verb method;
    std::string pattern;
    std::vector<segment> segments;
    handler h;
    route_policy policy;
  };
  // find without HEAD's fallback to GET and without a 405's Allow.
  match find_method(http::verb method, std::string_view path) const;
  static std::vector<std::string_view> split(std::string_view path);

  static std::vector<segment> parse_pattern(std::string_view pattern);
  // 0: no match, 1: matches, 2: matches but an :int parameter is not an integer
  static int try_match(const route& r, const std::vector<std::string_view>& parts,
                       route_params& out, std::string& bad_param);
  std::vector<route> routes_;
};

}  // namespace seatd::net
