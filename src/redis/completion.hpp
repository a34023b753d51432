#pragma once
// Type erasure for the completion handler of one asynchronous Redis operation, so the
// connection's queue (one concrete type, on the strand, in a .cpp) can hold handlers of any
// completion token: use_awaitable, a callback, deferred...
//
// asio::any_completion_handler would erase the executor type too, and its
// any_completion_executor cannot express blocking.never: posting through it may run the
// handler inline, inside the connection's reply loop. Keeping the handler's own executor type
// here lets complete() truly post.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace seatd::redis::detail {

template <class T>
class completion {
 public:
  virtual ~completion() = default;
  // Delivers `value` to the handler through the handler's executor, never inline. Once.
  virtual void complete(T value) = 0;
};

template <class T, class Handler>
class completion_for final : public completion<T> {
 public:
  completion_for(Handler&& h, const boost::asio::any_io_executor& fallback)
      : handler_(std::move(h)), work_(boost::asio::make_work_guard(handler_, fallback)) {}

  void complete(T value) override {
    auto ex = work_.get_executor();
    boost::asio::post(ex, [handler = std::move(handler_), work = std::move(work_),
                           value = std::move(value)]() mutable {
      // The cancellation slot belongs to the caller's side: clear it there, on the
      // handler's executor, so it never races with the caller emitting a cancellation.
      auto slot = boost::asio::get_associated_cancellation_slot(handler);
      if (slot.is_connected()) slot.clear();
      std::move(handler)(std::move(value));
    });
  }

 private:
  Handler handler_;
  boost::asio::executor_work_guard<
      boost::asio::associated_executor_t<Handler, boost::asio::any_io_executor>>
      work_;
};

// `fallback` is the executor for handlers that have none of their own (plain callbacks):
// the client's strand.
template <class T, class Handler>
std::unique_ptr<completion<T>> make_completion(Handler&& h,
                                               const boost::asio::any_io_executor& fallback) {
  return std::make_unique<completion_for<T, std::decay_t<Handler>>>(std::forward<Handler>(h),
                                                                      fallback);
}

}  // namespace seatd::redis::detail
