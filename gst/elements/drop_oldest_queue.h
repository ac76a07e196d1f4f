// A bounded FIFO between the streaming thread and the MQTT thread. push() never blocks on the
// consumer: when the queue is full it drops the oldest entry (the newest events matter most to
// a live consumer) and says so, so the producer can count and report it.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace deltacnn_gst {

template <typename T>
class DropOldestQueue {
 public:
  explicit DropOldestQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // Returns how many entries were dropped to make room (0 or 1).
  size_t push(T value) {
    std::lock_guard<std::mutex> lock(lock_);
    size_t dropped = 0;
    if (items_.size() >= capacity_) {
      items_.pop_front();
      dropped = 1;
    }
    items_.push_back(std::move(value));
    return dropped;
  }

  // Puts entries taken but not delivered back at the front, oldest first, as far as the
  // capacity allows; returns how many of the oldest did not fit and were dropped.
  size_t push_front(std::deque<T> values) {
    std::lock_guard<std::mutex> lock(lock_);
    size_t dropped = 0;
    while (!values.empty() && items_.size() < capacity_) {
      items_.push_front(std::move(values.back()));
      values.pop_back();
    }
    dropped = values.size();
    return dropped;
  }

  std::optional<T> pop() {
    std::lock_guard<std::mutex> lock(lock_);
    if (items_.empty()) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(lock_);
    return items_.size();
  }

  // Empties the queue; returns how many entries it held.
  size_t clear() {
    std::lock_guard<std::mutex> lock(lock_);
    const size_t n = items_.size();
    items_.clear();
    return n;
  }

 private:
  const size_t capacity_;
  mutable std::mutex lock_;
  std::deque<T> items_;
};

}  // namespace deltacnn_gst
