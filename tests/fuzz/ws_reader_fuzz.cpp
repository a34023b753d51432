// libFuzzer target: the WebSocket client-frame reader (net/ws_wire), the one place a
// viewer's bytes are decoded. The input arrives in chunks of fuzzer-chosen sizes, as reads
// from a socket would; the reader must never crash, never hand out more than one message's
// worth of bytes, and never keep more than one frame undecided.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "net/ws_wire.hpp"

namespace {

namespace ws = seatd::net::ws;
using kind = ws::client_reader::kind;

constexpr std::size_t max_message = 4096;  // viewer_options' default message limit

[[noreturn]] void finding(const char* what, std::size_t n) {
  std::fprintf(stderr, "ws_reader finding: %s (%zu)\n", what, n);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  // The server's own frames, built from the same input: never more than their header plus
  // payload, and a close frame always fits a control frame.
  const auto code = in.ConsumeIntegral<std::uint16_t>();
  const auto reason = in.ConsumeRandomLengthString(300);
  if (ws::close_frame(code, reason).size() > 2 + 125) finding("close frame too long", 0);
  if (ws::server_frame(ws::opcode::text, reason).size() > reason.size() + 10)
    finding("server frame header too long", reason.size());

  ws::client_reader reader(max_message);
  std::string buffer;
  while (in.remaining_bytes() > 0) {
    const std::size_t chunk = in.ConsumeIntegralInRange<std::size_t>(1, 512);
    buffer += in.ConsumeBytesAsString(chunk);
    for (;;) {
      auto r = reader.next(buffer);
      if (r.what == kind::need_more) break;
      if (r.what == kind::error || r.what == kind::close || r.what == kind::binary)
        return 0;  // the session stops reading here
      if (r.what == kind::text && r.payload.size() > max_message)
        finding("text message over the limit", r.payload.size());
      if (r.what == kind::ping && r.payload.size() > 125)
        finding("ping payload over 125 bytes", r.payload.size());
    }
    // Undecided bytes are at most one frame: header (14) + the largest message, + this read.
    if (buffer.size() > max_message + 14 + 512) finding("reader buffers too much", buffer.size());
  }
  return 0;
}
