#include "net/ws_wire.hpp"

#include <algorithm>

namespace seatd::net::ws {

namespace {

void append_header(std::string& out, opcode op, std::size_t length) {
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));  // FIN
  if (length < 126) {
    out.push_back(static_cast<char>(length));
  } else if (length <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((length >> 8) & 0xFF));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((std::uint64_t(length) >> shift) & 0xFF));
  }
}

std::uint8_t byte_at(const std::string& s, std::size_t i) {
  return static_cast<std::uint8_t>(s[i]);
}

// Codes a peer may put in a close frame (RFC 6455 7.4; 1012-1014 registered since): 1005, 1006
// and 1015 only ever describe a close locally, the rest of 1000-2999 is unassigned.
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

bool is_known(std::uint8_t op) {
  return op == 0x0 || op == 0x1 || op == 0x2 || op == 0x8 || op == 0x9 || op == 0xA;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const std::size_t n = s.size();
  const auto c = static_cast<std::uint8_t>(s[i]);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte first, C0/C1 (overlong), or F5 and above
  }
  if (n - i < len) return 0;
  const auto c1 = static_cast<std::uint8_t>(s[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    const auto ck = static_cast<std::uint8_t>(s[i + k]);
    if (ck < 0x80 || ck > 0xBF) return 0;
  }
  return len;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string server_frame(opcode op, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  append_header(out, op, payload.size());
  out.append(payload);
  return out;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload;
  if (code != 0) {
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason.substr(0, 123));  // control frames carry at most 125 bytes
  }
  return server_frame(opcode::close, payload);
}

client_reader::result client_reader::next(std::string& in) {
  for (;;) {
    if (in.size() < 2) return {};
    const std::uint8_t b0 = byte_at(in, 0);
    const std::uint8_t b1 = byte_at(in, 1);
    const bool fin = b0 & 0x80;
    const std::uint8_t op = b0 & 0x0F;
    const bool control = op & 0x08;
    // RSV bits belong to extensions, and none was negotiated; a client must mask every frame.
    if ((b0 & 0x70) != 0 || !(b1 & 0x80) || !is_known(op))
      return {kind::error, {}, close_protocol_error};

    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7F;
    if (length == 126) {
      if (in.size() < 4) return {};
      length = (std::uint64_t(byte_at(in, 2)) << 8) | byte_at(in, 3);
      header = 4;
    } else if (length == 127) {
      if (in.size() < 10) return {};
      length = 0;
      for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte_at(in, i);
      if (length >> 63) return {kind::error, {}, close_protocol_error};
      header = 10;
    }

    if (control) {
      if (!fin || length > 125) return {kind::error, {}, close_protocol_error};
    } else {
      const bool continuation = op == 0x0;
      if (continuation != in_message_) return {kind::error, {}, close_protocol_error};
      // Decided from the header alone, so a refused frame's payload is never buffered.
      if (op == 0x2) return {kind::binary, {}, 0};
      if (message_.size() + length > max_message_) return {kind::error, {}, close_too_big};
    }

    header += 4;  // the masking key
    if (in.size() < header + length) return {};
    const std::size_t n = static_cast<std::size_t>(length);
    std::string payload = in.substr(header, n);
    const char* key = in.data() + header - 4;
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
    in.erase(0, header + n);

    switch (op) {
      case 0x9:
        return {kind::ping, std::move(payload), 0};
      case 0xA:
        return {kind::pong, {}, 0};
      case 0x8: {
        if (payload.size() == 1) return {kind::error, {}, close_protocol_error};
        std::uint16_t code = 0;
        std::string reason;
        if (payload.size() >= 2) {
          code = static_cast<std::uint16_t>((std::uint8_t(payload[0]) << 8) |
                                            std::uint8_t(payload[1]));
          reason = payload.substr(2);
          if (!valid_close_code(code)) return {kind::error, {}, close_protocol_error};
          if (!valid_utf8(reason)) return {kind::error, {}, close_invalid_payload};
        }
        return {kind::close, std::move(reason), code};
      }
      default:
        break;
    }
    // A text frame or a continuation of one.
    // Checked once the message is whole: a fragment may end inside a character.
    if (!in_message_ && fin) {
      if (!valid_utf8(payload)) return {kind::error, {}, close_invalid_payload};
      return {kind::text, std::move(payload), 0};
    }
    message_ += payload;
    in_message_ = !fin;
    if (fin) {
      result r{kind::text, std::move(message_), 0};
      message_ = std::string();  // release the assembly buffer
      if (!valid_utf8(r.payload)) return {kind::error, {}, close_invalid_payload};
      return r;
    }
    // A fragment: keep going while complete frames are buffered.
  }
}

}  // namespace seatd::net::ws
