// Whether a producer's objects reached a consumer (deltacnnjson, deltacnnoverlay) whole. The
// per-object data (score, label id, keypoints, zones) lives in the ROI metas' parameter
// structures, and GStreamer 1.22's own ROI transform for scaling, which videoconvert runs
// even for a change of format alone, keeps only the box, label and id; videocrop and videoflip
// drop the ROIs. The frame meta survives both and says how many objects its producer attached,
// so a consumer can tell the loss from a frame without objects, and say so.
#pragma once

#include <gst/gst.h>

#include <string>

namespace deltacnn_gst {

// "" when every producing element's objects on `buffer` carry their parameters; else a
// sentence naming the first producer whose objects did not arrive whole and what to do.
std::string lost_objects_warning(GstBuffer* buffer);

// The consumers' use of it: unless *warned, posts "Objects arrive without their data:
// <consequence>" as `element`'s WARNING (the sentence above as its debug) when `buffer` has
// objects that lost their data, and sets *warned.
void warn_once_of_lost_objects(GstElement* element, GstBuffer* buffer, bool* warned, const char* consequence);

}  // namespace deltacnn_gst
