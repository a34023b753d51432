#pragma once
// The browser UI's files, read once at startup into memory and served with a content type, an
// ETag and caching headers. A small UI (a few hundred KiB) does not justify reading the disk per
// request; nothing outside the web root can be named (no paths are built from the request).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "net/http.hpp"

namespace seatd::net {

class static_files {
 public:
  // Loads every file of the UI's asset types (html, css, js, mjs, svg, png, ico, webmanifest)
  // under `root`, at most max_bytes in all. Empty root: serves nothing.
  explicit static_files(const std::string& root, std::size_t max_bytes = 32u << 20);
  // The response for a GET/HEAD of `path` ("/" means "/index.html", a folder "/docs" or
  // "/docs/" its index.html), or nullopt when no such file.
  std::optional<response> serve(const request& req, std::string_view path) const;
  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }

 private:
  struct file {
    std::string content_type;
    std::string body;
    std::string etag;
  };
  std::map<std::string, file, std::less<>> files_;  // "/index.html" -> file
};

// Whether the Accept header prefers HTML (a browser navigating) over JSON.
bool prefers_html(std::string_view accept);

}  // namespace seatd::net
