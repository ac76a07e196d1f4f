// dcnn::FrameResult -> buffer metadata (layout in gst/meta/deltacnnmeta.h): one ROI meta per
// object and one DeltaCnnFrameMeta, attached on every frame.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "engine/api/results.h"

namespace deltacnn_gst {

// What stays the same for every frame of a loaded model: precomputed once at start.
struct MetaContext {
  unsigned unique_id = 0;     // the element's unique id (set by hand or claimed at start)
  std::string element_name;  // the element's GStreamer name
  std::string model_name;
  std::string requested_backend;  // the element's backend property: "auto", "cpu" or "cuda"
  std::vector<std::string> keypoint_names;
  std::vector<unsigned> connections;  // skeleton index pairs, flattened, validated
  bool has_zones = false;  // the YAML has zones: every object's meta gets a "zones" array

  static MetaContext make(const dcnn::ModelInfo& info, unsigned unique_id);
};

// `buffer` must be writable. Frame size in pixels (the objects are in frame pixels).
void attach_frame_result(GstBuffer* buffer, const dcnn::FrameResult& result, int frame_width,
                         int frame_height, const MetaContext& context);

}  // namespace deltacnn_gst
