// Process-wide register of the unique ids running deltacnn elements write into their metadata
// (DeepStream's gie-unique-id). An element left at unique-id 0 takes the lowest id that no
// running element holds, so two elements feeding one deltacnnjson or one NVR reader are told
// apart without any configuration; an id set by hand is kept, and its claim says whether
// another running element holds it too (their metadata then shares it; the element name still
// tells them apart).
#pragma once

namespace deltacnn_gst {

class UniqueIdClaim {
 public:
  UniqueIdClaim() = default;  // holds nothing (id 0)
  // requested 0: the lowest id >= 1 that no other claim holds; otherwise `requested` itself.
  explicit UniqueIdClaim(unsigned requested);
  ~UniqueIdClaim();
  UniqueIdClaim(UniqueIdClaim&& other) noexcept;
  UniqueIdClaim& operator=(UniqueIdClaim&& other) noexcept;
  UniqueIdClaim(const UniqueIdClaim&) = delete;
  UniqueIdClaim& operator=(const UniqueIdClaim&) = delete;

  unsigned id() const { return id_; }
  // True when another claim held the same id when this one was made (ids set by hand).
  bool shared() const { return shared_; }

 private:
  void release();
  unsigned id_ = 0;
  bool shared_ = false;
};

}  // namespace deltacnn_gst
