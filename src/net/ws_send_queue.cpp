#include "net/ws_send_queue.hpp"

namespace seatd::net {

bool ws_send_queue::push(const ws_frame& f) {
  if (bytes_ + f->size() > max_bytes_) return false;
  pending_.push_back(f);
  bytes_ += f->size();
  return true;
}

bool ws_send_queue::push_once(const ws_frame& f) {
  if (once_ == f.get()) return true;
  if (!push(f)) return false;
  once_ = f.get();
  return true;
}

void ws_send_queue::replace_pending_with_close(ws_frame close) {
  pending_.clear();
  bytes_ = 0;
  for (const auto& f : writing_) bytes_ += f->size();
  close_frame_ = close.get();
  bytes_ += close->size();
  pending_.push_back(std::move(close));
}

const std::vector<boost::asio::const_buffer>& ws_send_queue::take_batch() {
  writing_now_ = true;
  writing_.swap(pending_);
  gather_.clear();
  for (const auto& f : writing_) gather_.push_back(boost::asio::buffer(*f));
  return gather_;
}

bool ws_send_queue::written() {
  writing_now_ = false;
  bool close_written = false;
  for (const auto& f : writing_) {
    bytes_ -= f->size();
    if (f.get() == once_) once_ = nullptr;
    if (f.get() == close_frame_) close_written = true;
  }
  writing_.clear();
  // A burst's capacity is not kept by an idle connection.
  if (writing_.capacity() > 64) writing_.shrink_to_fit();
  if (gather_.capacity() > 64) gather_ = {};
  return close_written;
}

}  // namespace seatd::net
