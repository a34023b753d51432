#include "net/static_files.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

namespace seatd::net {
namespace {

// The UI's asset types and nothing else: a README, a source map or an editor's backup file in
// the web root is not part of the UI and is not served. (The UI loads no JSON files or fonts.)
std::optional<std::string> content_type_for(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},              {".png", "image/png"},
      {".ico", "image/x-icon"},               {".webmanifest", "application/manifest+json"}};
  auto it = types.find(p.extension().string());
  if (it == types.end()) return std::nullopt;
  return it->second;
}

}  // namespace

static_files::static_files(const std::string& root, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  if (root.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    spdlog::warn("web root {} is not a directory: the browser UI is not served", root);
    return;
  }
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    auto rel = fs::relative(it->path(), root).generic_string();
    if (rel.starts_with("node_modules/") || rel.starts_with("tests/") ||
        rel.find("/.") != std::string::npos || rel.starts_with("."))
      continue;  // development files are not part of the UI
    auto type = content_type_for(it->path());
    if (!type) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    file f{std::move(*type), ss.str(), {}};
    total += f.body.size();
    if (total > max_bytes) {
      spdlog::warn("web root {} is larger than {} bytes: the rest is not served", root, max_bytes);
      break;
    }
    // Built by appending: GCC 12 at -O3 misreports `"literal" + string` as -Wrestrict.
    f.etag = "\"";
    f.etag += std::to_string(std::hash<std::string>{}(f.body));
    f.etag += '"';
    std::string key = "/";
    key += rel;
    files_.emplace(std::move(key), std::move(f));
  }
  spdlog::info("browser UI: {} files from {}", files_.size(), root);
}

namespace {

// If-None-Match (RFC 9110, 13.1.2): "*" or a list of entity tags, compared weakly (W/"x"
// matches "x").
bool none_match(std::string_view header, std::string_view etag) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  while (!header.empty()) {
    auto comma = header.find(',');
    auto tag = trim(header.substr(0, comma));
    if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<response> static_files::serve(const request& req, std::string_view path) const {
  if (path == "/") path = "/index.html";
  auto it = files_.find(path);
  if (it == files_.end()) {
    // A folder of the UI ("/docs" or "/docs/") is its index.html.
    std::string index(path);
    if (!index.ends_with('/')) index += '/';
    index += "index.html";
    it = files_.find(index);
    if (it == files_.end()) return std::nullopt;
  }
  path = it->first;
  const file& f = it->second;
  response res;
  res.version(11);
  if (none_match(req[http::field::if_none_match], f.etag)) {
    res.result(http::status::not_modified);
  } else {
    res.result(http::status::ok);
    if (req.method() != http::verb::head) res.body() = f.body;
  }
  res.set(http::field::content_type, f.content_type);
  res.set(http::field::etag, f.etag);
  // Revalidate each time (cheap with the ETag): a new seatd version shows at once.
  res.set(http::field::cache_control, "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  if (path.ends_with(".html")) {
    res.set("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    res.set("Referrer-Policy", "same-origin");
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.content_length(f.body.size());
  // A 304 has no body, and a Content-Length there would have to be the 200's (RFC 9110, 8.6).
  if (res.result() == http::status::not_modified) res.erase(http::field::content_length);
  return res;
}

bool prefers_html(std::string_view accept) {
  auto html = accept.find("text/html");
  if (html == std::string_view::npos) return false;
  auto json = accept.find("application/json");
  return json == std::string_view::npos || html < json;
}

}  // namespace seatd::net
