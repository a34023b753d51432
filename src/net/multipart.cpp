#include "net/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace seatd::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Splits a header's ;-separated parameters, honouring quoted strings (a ';' inside quotes
// does not end a parameter).
std::vector<std::string_view> split_params(std::string_view header) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      out.push_back(header.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(header.substr(start));
  return out;
}

// The value of `key` in a header's parameters (quoted or token); the first segment (the
// header's main value) is not a parameter.
std::optional<std::string> param(std::string_view header, std::string_view key) {
  auto parts = split_params(header);
  for (std::size_t p = 1; p < parts.size(); ++p) {
    auto rest = trim(parts[p]);
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (!iequals(trim(rest.substr(0, eq)), key)) continue;
    auto v = trim(rest.substr(eq + 1));
    if (!v.empty() && v.front() == '"') {
      std::string out;
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          out += v[++i];
        } else if (v[i] == '"') {
          return out;
        } else {
          out += v[i];
        }
      }
      return std::nullopt;  // unterminated quote
    }
    return std::string(v);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semi)), "multipart/form-data")) return std::nullopt;
  auto b = param(content_type, "boundary");
  if (!b || b->empty() || b->size() > 70) return std::nullopt;
  return b;
}

std::optional<std::vector<form_part>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      std::size_t max_parts) {
  const std::string delim = "--" + std::string(boundary);
  const std::string next_delim = "\r\n" + delim;
  std::vector<form_part> parts;
  auto pos = body.find(delim);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += delim.size();
  for (;;) {
    // After a delimiter: "--" ends the body, CRLF starts a part.
    if (body.substr(pos, 2) == "--") return parts;
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    if (parts.size() == max_parts) return std::nullopt;
    form_part part;
    bool has_disposition = false;
    for (;;) {
      auto eol = body.find("\r\n", pos);
      if (eol == std::string_view::npos) return std::nullopt;
      auto line = body.substr(pos, eol - pos);
      pos = eol + 2;
      if (line.empty()) break;  // end of part headers
      auto colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      auto name = trim(line.substr(0, colon));
      auto value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        if (!iequals(trim(value.substr(0, value.find(';'))), "form-data")) return std::nullopt;
        auto n = param(value, "name");
        if (!n) return std::nullopt;
        part.name = *n;
        part.filename = param(value, "filename").value_or("");
        has_disposition = true;
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (!has_disposition) return std::nullopt;
    auto end = body.find(next_delim, pos);
    if (end == std::string_view::npos) return std::nullopt;
    part.data = body.substr(pos, end - pos);
    parts.push_back(std::move(part));
    pos = end + next_delim.size();
  }
}

}  // namespace seatd::net
