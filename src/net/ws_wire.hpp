#pragma once
// RFC 6455 framing for the live seat map's server side, after the handshake: server frames are
// built whole (header + payload) so one event's bytes are made once and written as they are to
// every viewer, several queued frames in one gather write; client frames are decoded from a
// byte buffer one complete frame at a time. No extensions (seatd never negotiates compression),
// so the RSV bits must be clear. Pure functions and a small state machine, no I/O.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace seatd::net::ws {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes of RFC 6455 seatd sends.
constexpr std::uint16_t close_normal = 1000;
constexpr std::uint16_t close_going_away = 1001;
constexpr std::uint16_t close_protocol_error = 1002;
constexpr std::uint16_t close_unsupported_data = 1003;
constexpr std::uint16_t close_invalid_payload = 1007;  // a text message or close reason not UTF-8
constexpr std::uint16_t close_policy = 1008;
constexpr std::uint16_t close_too_big = 1009;
constexpr std::uint16_t close_try_again_later = 1013;

// Well-formed UTF-8 (RFC 3629: shortest form, no surrogates, at most U+10FFFF), as RFC 6455
// 8.1 requires of text messages and close reasons.
bool valid_utf8(std::string_view s);
// The length of the well-formed UTF-8 sequence starting at s[i] (1 for ASCII), 0 when the
// bytes there are not one. i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// One unfragmented, unmasked server frame (FIN set): header followed by payload.
std::string server_frame(opcode op, std::string_view payload);
// A close frame: the code (absent when 0) and the reason, cut to fit 125 bytes.
std::string close_frame(std::uint16_t code, std::string_view reason);

// Reads client frames (which must be masked) from the front of a byte buffer and assembles
// text messages from their fragments, up to a message size limit.
class client_reader {
 public:
  explicit client_reader(std::size_t max_message) : max_message_(max_message) {}

  enum class kind {
    need_more,  // no complete frame at the front of the buffer yet
    text,       // a complete text message: payload
    binary,     // a binary message started (seatd refuses them: close 1003)
    ping,       // payload: the ping's application data (to echo in the pong)
    pong,
    close,      // code (0: none given) and reason
    error,      // code: what to close with (1002 protocol error, 1007 not UTF-8, 1009 too big)
  };
  struct result {
    kind what = kind::need_more;
    std::string payload;
    std::uint16_t code = 0;
  };

  // Consumes at most one frame from the front of `in` (erasing it) and says what it was.
  // After an error or a close, the caller stops reading.
  result next(std::string& in);

  // True while a fragmented text message is being assembled (its bytes are held here).
  bool in_message() const { return in_message_; }

 private:
  std::size_t max_message_;
  bool in_message_ = false;
  std::string message_;
};

}  // namespace seatd::net::ws
