// The API description (docs/api/openapi.json) against the server: every route seatd's router
// holds is documented, with the same method, path and access, and every documented operation
// is a route of seatd. The routes come from `seatd routes`, which builds the route table exactly
// as the server does. Also: seatd serves both descriptions as they are in docs/api, and /docs.
// (tests/api validates real answers against the documented schemas.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "component/test_support.hpp"

namespace {

using namespace seatd::testing;
namespace json = boost::json;

struct route_line {
  std::string access;  // anyone, user, admin
  std::string pattern;  // as the router has it, e.g. /trips/{trip_id:int}
};

// "GET     /trips/{trip_id:int}      anyone" -> key "get /trips/{trip_id}" (the OpenAPI path:
// no parameter types); log lines and anything else are not routes.
std::map<std::string, route_line> seatd_routes() {
  auto r = run_seatd({"--env-file", "/nonexistent.env", "routes"});
  EXPECT_EQ(r.code, 0) << r.output;
  static const std::regex line(R"(^([A-Z]+) +(/\S*) +(anyone|user|admin)( upload)?$)");
  std::map<std::string, route_line> out;
  std::istringstream in(r.output);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    std::string method = m[1];
    for (auto& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
    const std::string path = std::regex_replace(m[2].str(), std::regex(":int\\}"), "}");
    EXPECT_TRUE(out.emplace(method + " " + path, route_line{m[3], m[2]}).second)
        << "seatd registers " << m[1] << " " << path << " twice";
  }
  return out;
}

json::value read_json(const std::string& path) {
  auto text = read_file(path);
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  EXPECT_FALSE(ec) << path << ": " << ec.message();
  return v;
}

const json::value& resolve(const json::value& doc, const json::value& v) {
  if (!v.is_object() || !v.as_object().contains("$ref")) return v;
  std::string ref(v.at("$ref").as_string());  // "#/components/parameters/TripId"
  const json::value* at = &doc;
  std::istringstream parts(ref.substr(2));
  for (std::string p; std::getline(parts, p, '/');) at = &at->at(p);
  return *at;
}

constexpr const char* methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
const std::string how_to =
    "\n(document a route in docs/api/openapi.json: its path under \"paths\" with the method, "
    "x-seatd-access, security ([] when public), parameters, and every status it answers with "
    "its schema; README.md, \"API description and /docs\")";

class api_description : public ::testing::Test {
 protected:
  json::value doc = read_json(seatd::test::source_dir() + "/docs/api/openapi.json");
};

TEST_F(api_description, every_route_of_seatd_is_documented_and_every_documented_one_exists) {
  auto routes = seatd_routes();
  ASSERT_GT(routes.size(), 20u) << "`seatd routes` listed too few routes";
  const auto& paths = doc.at("paths").as_object();
  std::set<std::string> documented;
  for (const auto& [path, item] : paths)
    for (const char* m : methods)
      if (item.as_object().contains(m)) documented.insert(std::string(m) + " " + std::string(path));

  for (const auto& [key, r] : routes) {
    auto space = key.find(' ');
    std::string method = key.substr(0, space);
    for (auto& c : method) c = char(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(documented.count(key))
        << method << " " << key.substr(space + 1) << " is a route of seatd (" << r.pattern
        << ", " << r.access << ") but docs/api/openapi.json does not document it" << how_to;
  }
  for (const auto& key : documented) {
    std::string shown = key;
    for (std::size_t i = 0; i < shown.find(' '); ++i)
      shown[i] = char(std::toupper(static_cast<unsigned char>(shown[i])));
    EXPECT_TRUE(routes.count(key)) << shown << " is documented in docs/api/openapi.json but seatd "
                                   << "has no such route (`seatd routes` lists them)";
  }
}

TEST_F(api_description, access_and_path_parameters_match_the_router) {
  for (const auto& [key, r] : seatd_routes()) {
    auto space = key.find(' ');
    const std::string method = key.substr(0, space), path = key.substr(space + 1);
    const auto* item = doc.at("paths").as_object().if_contains(path);
    if (!item || !item->as_object().contains(method)) continue;  // the test above says so
    const auto& op = item->at(method).as_object();
    SCOPED_TRACE(key);
    ASSERT_TRUE(op.contains("x-seatd-access")) << "x-seatd-access is missing";
    EXPECT_EQ(std::string(op.at("x-seatd-access").as_string()), r.access) << "who may call it";
    // A route that needs a token has the bearerAuth security requirement; a public one an
    // empty requirement (public, said explicitly).
    ASSERT_TRUE(op.contains("security")) << "security is missing";
    EXPECT_EQ(op.at("security").as_array().empty(), r.access == "anyone") << "security";
    // Every parameter of the path is declared, typed as the router types it.
    std::map<std::string, const json::object*> declared;
    if (const auto* ps = op.if_contains("parameters"))
      for (const auto& p : ps->as_array()) {
        const auto& param = resolve(doc, p).as_object();
        if (param.at("in").as_string() == "path") declared[std::string(param.at("name").as_string())] = &param;
      }
    static const std::regex param(R"(\{([a-z_]+)(:int)?\})");
    std::size_t in_pattern = 0;
    for (std::sregex_iterator it(r.pattern.begin(), r.pattern.end(), param), end; it != end; ++it) {
      ++in_pattern;
      const std::string name = (*it)[1];
      ASSERT_TRUE(declared.count(name)) << "path parameter " << name << " is not declared";
      const std::string type(declared[name]->at("schema").at("type").as_string());
      EXPECT_EQ(type, (*it)[2].matched ? "integer" : "string") << name;
    }
    EXPECT_EQ(declared.size(), in_pattern) << "parameters declared \"in\": \"path\" that it has not";
  }
}

TEST_F(api_description, seatd_serves_both_descriptions_as_they_are_in_docs_api_and_the_docs_page) {
  seatd_process server({"--web-root", seatd::test::source_dir() + "/web"});
  http_client c(server.port());
  for (const char* name : {"openapi.json", "asyncapi.json"}) {
    auto r = c.get(std::string("/") + name);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.headers[http::field::content_type], "application/json") << name;
    EXPECT_EQ(r.body, read_file(seatd::test::source_dir() + "/docs/api/" + name))
        << name << " is served byte for byte as docs/api holds it";
  }
  // /docs is web/docs/index.html, under the UI's CSP (Swagger UI runs from files of this
  // server: no inline script, no CDN).
  for (const char* path : {"/docs", "/docs/"}) {
    auto page = c.get(path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_NE(page.body.find("/docs/docs.js"), std::string::npos) << path;
    const std::string csp(page.headers["Content-Security-Policy"]);
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
  }
  EXPECT_EQ(c.get("/docs/nothing-here").status, 404);
}

}  // namespace
