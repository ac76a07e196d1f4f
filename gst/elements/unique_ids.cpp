#include "gst/elements/unique_ids.h"

#include <mutex>
#include <set>
#include <utility>

namespace deltacnn_gst {
namespace {

std::mutex claims_lock;
// A multiset: two elements may hold the same id when it was set by hand.
std::multiset<unsigned>& claims() {
  static std::multiset<unsigned> held;
  return held;
}

}  // namespace

UniqueIdClaim::UniqueIdClaim(unsigned requested) {
  std::lock_guard<std::mutex> lock(claims_lock);
  std::multiset<unsigned>& held = claims();
  if (requested == 0) {
    requested = 1;
    while (held.count(requested) != 0) ++requested;
  }
  shared_ = held.count(requested) != 0;
  held.insert(requested);
  id_ = requested;
}

UniqueIdClaim::~UniqueIdClaim() { release(); }

UniqueIdClaim::UniqueIdClaim(UniqueIdClaim&& other) noexcept
    : id_(std::exchange(other.id_, 0)), shared_(std::exchange(other.shared_, false)) {}

UniqueIdClaim& UniqueIdClaim::operator=(UniqueIdClaim&& other) noexcept {
  if (this != &other) {
    release();
    id_ = std::exchange(other.id_, 0);
    shared_ = std::exchange(other.shared_, false);
  }
  return *this;
}

void UniqueIdClaim::release() {
  if (id_ == 0) return;
  std::lock_guard<std::mutex> lock(claims_lock);
  std::multiset<unsigned>& held = claims();
  const auto it = held.find(id_);
  if (it != held.end()) held.erase(it);  // one of the equal ids, not all of them
  id_ = 0;
}

}  // namespace deltacnn_gst
