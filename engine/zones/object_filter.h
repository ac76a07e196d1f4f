// Masks with `drop_objects: true` (Frigate's object masks): candidates whose box's bottom centre
// lies in one are removed before the tracker sees them, so they make no track, meta or event.
#pragma once

#include <vector>

#include "engine/api/results.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/zone_settings.h"

namespace dcnn::zones {

// Removes from `objects` those whose bottom-centre anchor pixel lies in a mask of `config` with
// drop_objects set (`frame` holds those masks in frame pixels, in config order).
void drop_masked_objects(std::vector<Detection>& objects, const ZonesConfig& config,
                         const FrameZones& frame);

}  // namespace dcnn::zones
