// Enum property types of the deltacnn element (registered GTypes, marked as plugin API so
// gst-inspect and the docs list their values).
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  GST_DELTACNN_BACKEND_AUTO = 0,  // CUDA when a usable GPU is present, else CPU
  GST_DELTACNN_BACKEND_CUDA = 1,
  GST_DELTACNN_BACKEND_CPU = 2,
} GstDeltaCnnBackend;

typedef enum {
  GST_DELTACNN_MODE_DELTA = 0,  // sparse updates of changed pixels, periodic dense keyframes
  GST_DELTACNN_MODE_DENSE = 1,  // every frame runs the full network (baseline)
} GstDeltaCnnMode;

typedef enum {
  GST_DELTACNN_PRECISION_FP32 = 0,
  GST_DELTACNN_PRECISION_FP16 = 1,  // CUDA storage in half precision (fp32 arithmetic)
  GST_DELTACNN_PRECISION_BF16 = 2,  // CPU GEMM convs in bfloat16 (AVX-512 BF16), fp32 sums
  GST_DELTACNN_PRECISION_CONFIG = 3,  // the YAML's model.precision (fp32 when it names none)
} GstDeltaCnnPrecision;

typedef enum {
  GST_DELTACNN_TRACKER_CONFIG = 0,  // the YAML's tracker.enabled
  GST_DELTACNN_TRACKER_ON = 1,      // track ids with score hysteresis (engine/track)
  GST_DELTACNN_TRACKER_OFF = 2,     // previous-frame IoU ids, hard score cut-off
} GstDeltaCnnTracker;

// The stabilize property: which of the YAML's stabilize features run (docs/stabilize.md).
typedef enum {
  GST_DELTACNN_STABILIZE_CONFIG = 0,    // the YAML's stabilize.shift and stabilize.exposure
  GST_DELTACNN_STABILIZE_OFF = 1,       // neither
  GST_DELTACNN_STABILIZE_SHIFT = 2,     // camera shake and drift only
  GST_DELTACNN_STABILIZE_EXPOSURE = 3,  // global brightness changes only
  GST_DELTACNN_STABILIZE_BOTH = 4,      // both
} GstDeltaCnnStabilize;

// deltacnnjson's `write`: which lines go to the file.
typedef enum {
  GST_DELTACNN_JSON_WRITE_RECORDS = 0,  // one record per frame (the original format)
  GST_DELTACNN_JSON_WRITE_EVENTS = 1,   // one line per track event (docs/events.md)
  GST_DELTACNN_JSON_WRITE_BOTH = 2,     // both, in stream order
} GstDeltaCnnJsonWrite;

#define GST_TYPE_DELTACNN_BACKEND (gst_deltacnn_backend_get_type ())
GType gst_deltacnn_backend_get_type (void);

#define GST_TYPE_DELTACNN_MODE (gst_deltacnn_mode_get_type ())
GType gst_deltacnn_mode_get_type (void);

#define GST_TYPE_DELTACNN_PRECISION (gst_deltacnn_precision_get_type ())
GType gst_deltacnn_precision_get_type (void);

#define GST_TYPE_DELTACNN_TRACKER (gst_deltacnn_tracker_get_type ())
GType gst_deltacnn_tracker_get_type (void);

#define GST_TYPE_DELTACNN_STABILIZE (gst_deltacnn_stabilize_get_type ())
GType gst_deltacnn_stabilize_get_type (void);

#define GST_TYPE_DELTACNN_JSON_WRITE (gst_deltacnn_json_write_get_type ())
GType gst_deltacnn_json_write_get_type (void);

G_END_DECLS
