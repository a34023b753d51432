#pragma once
// Small, independent decoders for the ticket MIME tests: what a mail client does with the
// bytes, written plainly so a mistake in the encoders cannot cancel itself out.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::tickets::testing {

inline std::string base64_decode(std::string_view in) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\r' || c == '\n') continue;
    const auto v = alphabet.find(c);
    if (v == std::string_view::npos) return "<bad base64>";
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// RFC 2047 "B" words in an unfolded header value; whitespace between two adjacent encoded
// words is dropped, as the RFC says.
inline std::string decode_words(std::string_view v) {
  std::string out;
  bool last_was_word = false;
  std::string pending_space;
  while (!v.empty()) {
    if (v.substr(0, 10) == "=?UTF-8?B?") {
      const auto end = v.find("?=", 10);
      if (end == std::string_view::npos) return out + "<unterminated word>";
      if (!last_was_word) out += pending_space;
      pending_space.clear();
      out += base64_decode(v.substr(10, end - 10));
      v.remove_prefix(end + 2);
      last_was_word = true;
    } else if (v.front() == ' ' || v.front() == '\t') {
      pending_space += v.front();
      v.remove_prefix(1);
    } else {
      out += pending_space;
      pending_space.clear();
      out += v.front();
      v.remove_prefix(1);
      last_was_word = false;
    }
  }
  return out + pending_space;
}

inline std::string qp_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

inline std::vector<std::string> lines(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto pos = s.find("\r\n"); pos != std::string_view::npos; pos = s.find("\r\n", start)) {
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 2;
  }
  if (start < s.size()) out.emplace_back(s.substr(start));
  return out;
}

// Header name -> unfolded value, for the headers of the message (up to the first empty line).
inline std::multimap<std::string, std::string> headers(std::string_view message) {
  std::multimap<std::string, std::string> out;
  std::string name;
  std::string value;
  auto flush = [&] {
    if (!name.empty()) out.emplace(name, value);
    name.clear();
  };
  for (const auto& line : lines(message.substr(0, message.find("\r\n\r\n")))) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;  // unfolding: the CRLF goes, the whitespace stays
    } else {
      flush();
      const auto colon = line.find(':');
      name = line.substr(0, colon);
      value = line.substr(colon + 2);
    }
  }
  flush();
  return out;
}

}  // namespace seatd::tickets::testing
