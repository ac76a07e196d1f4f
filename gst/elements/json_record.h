// One JSON object per frame from a buffer's deltacnn metadata (the deltacnnjson format):
// {"frame", "pts" (ns or null), "width", "height", "objects": [{"id", "track_id", "track_age"
//  (null when not tracked), "source", "unique_id",
//  "model", "label", "label_id", "confidence", "box": {"x_min", "y_min", "x_max", "y_max"}
//  (pixels), "keypoints": [{"name", "x", "y", "score"}]}], "stats": {...} or null (the first
//  producing element's), "sources": [{...} per producing element]}. README: "deltacnnjson".
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <nlohmann/json.hpp>

namespace deltacnn_gst {

nlohmann::json frame_record(GstBuffer* buffer, uint64_t frame_number, int width, int height);

}  // namespace deltacnn_gst
