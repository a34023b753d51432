#pragma once
// A WebSocket connection's outgoing queue: whole, already framed messages (net/ws_wire.hpp)
// shared with every other connection that sends the same bytes, bounded in bytes, written in
// batches. Pure bookkeeping, no I/O: websocket_connection drives it (one write in flight, on
// its strand) and the unit tests drive it without a socket.
//
// Two lists: what waits (pending) and the batch being written. A write takes everything
// pending at once, so a connection that is behind sends many frames per system call; the
// batch stays alive until its write completes, because the kernel may still be reading it.
// The bound counts both: a slow reader cannot make the server hold more than max_bytes for it.
#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace seatd::net {

// One whole WebSocket frame (header and payload), shared by every connection it goes to.
using ws_frame = std::shared_ptr<const std::string>;

class ws_send_queue {
 public:
  explicit ws_send_queue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Appends f. False (nothing queued) when it would take the queue over its bound.
  bool push(const ws_frame& f);

  // Appends f unless the same frame (the same shared bytes) from an earlier push_once is still
  // queued or being written: a flood of requests for one fixed answer earns one at a time.
  // One such frame is tracked at a time. False only when the bound refused it.
  bool push_once(const ws_frame& f);

  enum class batch_status { queued, refused, over_bound };
  struct batch_result {
    batch_status status;
    std::size_t added = 0;
  };
  // Lets fill append frames straight to the pending list (no temporary vector, no extra
  // reference count per frame: the fan-out's hot path). fill(std::vector<ws_frame>&) returns
  // false to take nothing back (refused); a batch that would pass the bound is taken back whole
  // (over_bound). Either way the queue is as before.
  template <class Fill>
  batch_result push_batch(Fill&& fill) {
    const std::size_t before = pending_.size();
    if (!fill(pending_)) {
      pending_.resize(before);
      return {batch_status::refused};
    }
    std::size_t bytes = 0;
    for (std::size_t i = before; i < pending_.size(); ++i) bytes += pending_[i]->size();
    if (bytes_ + bytes > max_bytes_) {
      pending_.resize(before);
      return {batch_status::over_bound};
    }
    bytes_ += bytes;
    return {batch_status::queued, pending_.size() - before};
  }

  // Closing: drops everything pending (the batch being written must outlive its write) and
  // queues the close frame as the last thing this connection sends, whatever the bound.
  void replace_pending_with_close(ws_frame close);

  // Starts a write: everything pending becomes the batch in flight. The buffers stay valid
  // until written(). Only when !writing() and has_pending().
  const std::vector<boost::asio::const_buffer>& take_batch();
  // The write of the batch completed (or failed): releases it. True when it held the close
  // frame, after which nothing more may be written.
  bool written();

  bool writing() const { return writing_now_; }
  bool has_pending() const { return !pending_.empty(); }
  std::size_t bytes() const { return bytes_; }  // pending + in flight
  std::size_t max_bytes() const { return max_bytes_; }

 private:
  std::size_t max_bytes_;
  std::vector<ws_frame> pending_;   // queued, not yet written
  std::vector<ws_frame> writing_;   // the batch of the write in flight
  std::vector<boost::asio::const_buffer> gather_;
  const std::string* close_frame_ = nullptr;  // our close frame, once queued
  const std::string* once_ = nullptr;         // push_once's frame while it is queued
  std::size_t bytes_ = 0;
  bool writing_now_ = false;
};

}  // namespace seatd::net
