/* Plain C user of the metadata library, compiled as C: proves that deltacnnmeta.h is usable
 * from C NVR code, and gives the GoogleTest suite something to call. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Attaches two people (one with 2 keypoints) and a frame meta, as a C producer would. */
void meta_c_attach_example (GstBuffer * buffer);

/* Reads every object the way the header documents; returns a summary like
 * "frame 7 key=1 objects=2 | person#1 0.90 kp=2 | person#2 0.60 kp=0" (caller frees). */
gchar *meta_c_summarize (GstBuffer * buffer);

G_END_DECLS
