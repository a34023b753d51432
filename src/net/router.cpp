#include "net/router.hpp"

#include <boost/json/array.hpp>

#include <charconv>
#include <stdexcept>

namespace seatd::net {

std::string_view route_params::get(std::string_view name) const {
  for (auto& [k, v] : values)
    if (k == name) return v;
  return {};
}

std::int64_t route_params::get_int(std::string_view name) const {
  auto v = get(name);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

std::vector<std::string_view> router::split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.push_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}

std::vector<router::segment> router::parse_pattern(std::string_view pattern) {
  std::vector<segment> out;
  for (auto part : split(pattern)) {
    segment s;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      auto inner = part.substr(1, part.size() - 2);
      s.param = true;
      if (auto colon = inner.find(':'); colon != std::string_view::npos) {
        if (inner.substr(colon + 1) != "int") throw std::logic_error("unknown route param type");
        s.integer = true;
        inner = inner.substr(0, colon);
      }
      s.text = std::string(inner);
    } else {
      s.text = std::string(part);
    }
    out.push_back(std::move(s));
  }
  return out;
}

void router::add(http::verb method, std::string_view pattern, handler h, route_policy policy) {
  routes_.push_back(route{method, std::string(pattern), parse_pattern(pattern), std::move(h), policy});
}

void router::set_policy(http::verb method, std::string_view pattern, route_policy policy) {
  auto segments = parse_pattern(pattern);
  for (auto& r : routes_) {
    if (r.method != method || r.segments.size() != segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i)
      same = r.segments[i].text == segments[i].text && r.segments[i].param == segments[i].param &&
             r.segments[i].integer == segments[i].integer;
    if (!same) continue;
    r.policy = policy;
    return;
  }
  throw std::logic_error("set_policy: no route " + std::string(http::to_string(method)) + " " +
                         std::string(pattern));
}

int router::try_match(const route& r, const std::vector<std::string_view>& parts,
                      route_params& out, std::string& bad_param) {
  if (r.segments.size() != parts.size()) return 0;
  out.values.clear();
  bad_param.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& s = r.segments[i];
    if (!s.param) {
      if (s.text != parts[i]) return 0;
      continue;
    }
    if (s.integer) {
      std::int64_t v = 0;
      auto p = parts[i];
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
      if ((ec != std::errc{} || end != p.data() + p.size()) && bad_param.empty())
        bad_param = s.text;
    }
    out.values.emplace_back(s.text, std::string(parts[i]));
  }
  return bad_param.empty() ? 1 : 2;
}

router::match router::find(http::verb method, std::string_view path) const {
  auto m = find_method(method, path);
  // HEAD is GET without the body (RFC 9110, 9.3.2): a path that answers GET answers HEAD, and
  // the session sends the GET answer's header alone.
  if (!m.h && method == http::verb::head) {
    auto as_get = find_method(http::verb::get, path);
    if (as_get.h || as_get.error->result() == http::status::unprocessable_entity) return as_get;
  }
  if (m.error && m.error->result() == http::status::method_not_allowed) {
    // A 405 names the methods the path takes (RFC 9110, 15.5.6).
    std::string allow;
    bool get = false;
    for (auto v : methods_for(path)) {
      if (allow.find(http::to_string(v)) != std::string::npos) continue;
      if (!allow.empty()) allow += ", ";
      allow += http::to_string(v);
      get = get || v == http::verb::get;
    }
    if (get) allow += ", HEAD";
    m.error->set(http::field::allow, allow);
  }
  return m;
}

router::match router::find_method(http::verb method, std::string_view path) const {
  auto parts = split(path);
  match m;
  bool path_known = false;
  std::optional<response> type_error;
  route_params params;
  std::string bad;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& r = routes_[i];
    int k = try_match(r, parts, params, bad);
    if (k == 0) continue;
    path_known = true;
    if (r.method != method) continue;
    if (k == 2) {
      // Keep looking: a literal route for the same method may match exactly.
      if (!type_error)
        type_error = validation_error(boost::json::array{"path", bad},
                                      "value is not a valid integer", "type_error.integer");
      continue;
    }
    m.h = &r.h;
    m.route = i;
    m.policy = &r.policy;
    m.params = std::move(params);
    return m;
  }
  if (type_error)
    m.error = std::move(type_error);
  else if (path_known)
    m.error = error_response(http::status::method_not_allowed, "Method Not Allowed");
  else
    m.error = error_response(http::status::not_found, "Not Found");
  return m;
}

std::vector<router::entry> router::list() const {
  std::vector<entry> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(entry{r.method, r.pattern, r.policy});
  return out;
}

std::vector<http::verb> router::methods_for(std::string_view path) const {
  auto parts = split(path);
  std::vector<http::verb> out;
  route_params params;
  std::string bad;
  for (const auto& r : routes_)
    if (try_match(r, parts, params, bad) != 0) out.push_back(r.method);
  return out;
}

}  // namespace seatd::net
