#include "engine/zones/object_filter.h"

#include <algorithm>

namespace dcnn::zones {

void drop_masked_objects(std::vector<Detection>& objects, const ZonesConfig& config,
                         const FrameZones& frame) {
  std::vector<const Polygon*> dropping;
  for (size_t i = 0; i < config.masks.size() && i < frame.masks.size(); ++i)
    if (config.masks[i].drop_objects) dropping.push_back(&frame.masks[i]);
  if (dropping.empty()) return;
  auto in_mask = [&](const Detection& object) {
    const Point anchor = anchor_pixel(object, Anchor::BottomCenter, frame.frame_width, frame.frame_height);
    return std::any_of(dropping.begin(), dropping.end(), [&](const Polygon* p) { return contains(*p, anchor); });
  };
  objects.erase(std::remove_if(objects.begin(), objects.end(), in_mask), objects.end());
}

}  // namespace dcnn::zones
