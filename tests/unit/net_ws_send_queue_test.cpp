// ws_send_queue: the WebSocket connection's outgoing queue without a socket. The byte bound
// counts what waits and what is being written, a batch goes out whole, a frame asked for again
// while queued is not queued twice, and closing drops what waits but never the batch the
// kernel may still be reading.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/ws_send_queue.hpp"

namespace seatd::net {
namespace {

ws_frame bytes(std::size_t n, char c = 'x') {
  return std::make_shared<const std::string>(std::string(n, c));
}

std::string gathered(const std::vector<boost::asio::const_buffer>& b) {
  std::string out;
  for (const auto& x : b) out.append(static_cast<const char*>(x.data()), x.size());
  return out;
}

TEST(net_ws_send_queue, the_bound_counts_pending_and_in_flight_bytes) {
  ws_send_queue q(10);
  EXPECT_TRUE(q.push(bytes(6)));
  q.take_batch();                  // 6 bytes in flight
  EXPECT_FALSE(q.push(bytes(5)));  // 6 + 5 > 10: refused, nothing queued
  EXPECT_EQ(q.bytes(), 6u);
  EXPECT_FALSE(q.has_pending());
  EXPECT_TRUE(q.push(bytes(4)));   // exactly at the bound
  EXPECT_EQ(q.bytes(), 10u);
  EXPECT_FALSE(q.written());       // the in-flight batch is released...
  EXPECT_EQ(q.bytes(), 4u);        // ...and its bytes with it
  EXPECT_TRUE(q.push(bytes(6)));
}

TEST(net_ws_send_queue, a_write_takes_everything_pending_in_order) {
  ws_send_queue q(100);
  q.push(std::make_shared<const std::string>("ab"));
  q.push(std::make_shared<const std::string>("cd"));
  q.push(std::make_shared<const std::string>("e"));
  ASSERT_FALSE(q.writing());
  const auto& gather = q.take_batch();
  EXPECT_TRUE(q.writing());
  EXPECT_EQ(gather.size(), 3u);
  EXPECT_EQ(gathered(gather), "abcde");
  EXPECT_FALSE(q.has_pending());
  q.push(std::make_shared<const std::string>("f"));  // waits for the next write
  EXPECT_FALSE(q.written());
  EXPECT_FALSE(q.writing());
  EXPECT_EQ(gathered(q.take_batch()), "f");
}

// The shared, pre-framed bytes are written as they are: the gather list points into the very
// strings the room holds, not into copies.
TEST(net_ws_send_queue, writes_the_shared_bytes_without_copying_them) {
  ws_send_queue q(100);
  auto f = bytes(8);
  q.push(f);
  const auto& gather = q.take_batch();
  ASSERT_EQ(gather.size(), 1u);
  EXPECT_EQ(gather[0].data(), f->data());
  EXPECT_EQ(f.use_count(), 2);  // ours and the batch's: one reference, no copy
}

TEST(net_ws_send_queue, push_once_queues_a_frame_again_only_after_it_was_written) {
  ws_send_queue q(100);
  auto pong = bytes(6, 'p');
  EXPECT_TRUE(q.push_once(pong));
  EXPECT_TRUE(q.push_once(pong));  // still pending: not queued twice
  EXPECT_EQ(q.bytes(), 6u);
  q.take_batch();
  EXPECT_TRUE(q.push_once(pong));  // being written: still not queued again
  EXPECT_FALSE(q.has_pending());
  q.written();
  EXPECT_TRUE(q.push_once(pong));  // written: the next one goes out
  EXPECT_TRUE(q.has_pending());
  EXPECT_EQ(q.bytes(), 6u);
}

TEST(net_ws_send_queue, push_once_is_refused_by_the_bound_like_any_frame) {
  ws_send_queue q(8);
  q.push(bytes(5));
  EXPECT_FALSE(q.push_once(bytes(6)));
  EXPECT_EQ(q.bytes(), 5u);
}

TEST(net_ws_send_queue, a_batch_is_queued_whole_or_not_at_all) {
  ws_send_queue q(10);
  q.push(bytes(2, 'a'));
  auto r = q.push_batch([](std::vector<ws_frame>& v) {
    EXPECT_EQ(v.size(), 1u);  // appended after what is pending
    v.push_back(bytes(3, 'b'));
    v.push_back(bytes(3, 'c'));
    return true;
  });
  EXPECT_EQ(r.status, ws_send_queue::batch_status::queued);
  EXPECT_EQ(r.added, 2u);
  EXPECT_EQ(q.bytes(), 8u);

  r = q.push_batch([](std::vector<ws_frame>& v) {
    v.push_back(bytes(1, 'd'));
    v.push_back(bytes(2, 'e'));  // 8 + 3 > 10
    return true;
  });
  EXPECT_EQ(r.status, ws_send_queue::batch_status::over_bound);
  EXPECT_EQ(r.added, 0u);
  EXPECT_EQ(q.bytes(), 8u);
  EXPECT_EQ(gathered(q.take_batch()), "aabbbccc");  // the refused batch left nothing behind
}

TEST(net_ws_send_queue, a_refused_fill_takes_back_what_it_appended) {
  ws_send_queue q(100);
  q.push(bytes(1, 'a'));
  auto r = q.push_batch([](std::vector<ws_frame>& v) {
    v.push_back(bytes(1, 'z'));
    return false;  // e.g. the room no longer has the history the caller needs
  });
  EXPECT_EQ(r.status, ws_send_queue::batch_status::refused);
  EXPECT_EQ(q.bytes(), 1u);
  EXPECT_EQ(gathered(q.take_batch()), "a");
}

TEST(net_ws_send_queue, closing_drops_what_waits_keeps_the_batch_in_flight_and_sends_close_last) {
  ws_send_queue q(10);
  q.push(std::make_shared<const std::string>("in"));
  q.take_batch();  // "in" is being written: its buffers must stay valid
  q.push(std::make_shared<const std::string>("dropped"));
  // The close frame goes out even when the queue is full: the peer must learn why.
  q.replace_pending_with_close(std::make_shared<const std::string>("CLOSE-FRAME"));
  EXPECT_EQ(q.bytes(), 2u + 11u);
  EXPECT_FALSE(q.written());  // the batch without the close frame
  EXPECT_EQ(q.bytes(), 11u);
  EXPECT_EQ(gathered(q.take_batch()), "CLOSE-FRAME");
  EXPECT_TRUE(q.written());  // now nothing more may be written
  EXPECT_EQ(q.bytes(), 0u);
}

}  // namespace
}  // namespace seatd::net
