#include "gst/elements/gstdeltacnnenums.h"

GType
gst_deltacnn_backend_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_BACKEND_AUTO, "CUDA when a usable GPU is present, else CPU", "auto"},
    {GST_DELTACNN_BACKEND_CUDA, "CUDA (fails when no usable GPU is present)", "cuda"},
    {GST_DELTACNN_BACKEND_CPU, "CPU (OpenMP + BLAS)", "cpu"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnBackend", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

GType
gst_deltacnn_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_MODE_DELTA, "Sparse delta updates of changed pixels", "delta"},
    {GST_DELTACNN_MODE_DENSE, "Full network on every frame", "dense"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnMode", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

GType
gst_deltacnn_precision_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_PRECISION_FP32, "fp32 activations", "fp32"},
    {GST_DELTACNN_PRECISION_FP16, "fp16 activations on the CUDA backend (fp32 arithmetic)", "fp16"},
    {GST_DELTACNN_PRECISION_BF16, "bf16 GEMM convs on the CPU backend (AVX-512 BF16, fp32 sums)", "bf16"},
    {GST_DELTACNN_PRECISION_CONFIG, "the YAML's model.precision (fp32 when it names none)", "config"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnPrecision", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

GType
gst_deltacnn_tracker_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_TRACKER_CONFIG, "As the YAML's tracker.enabled", "config"},
    {GST_DELTACNN_TRACKER_ON, "Track ids with score hysteresis", "on"},
    {GST_DELTACNN_TRACKER_OFF, "Previous-frame IoU ids, hard score cut-off", "off"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnTracker", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

GType
gst_deltacnn_stabilize_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_STABILIZE_CONFIG, "As the YAML's stabilize.shift and stabilize.exposure", "config"},
    {GST_DELTACNN_STABILIZE_OFF, "Neither: the network sees every frame as it comes", "off"},
    {GST_DELTACNN_STABILIZE_SHIFT, "Follow camera shake and drift", "shift"},
    {GST_DELTACNN_STABILIZE_EXPOSURE, "Map global brightness changes back", "exposure"},
    {GST_DELTACNN_STABILIZE_BOTH, "Shift and exposure", "both"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnStabilize", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

GType
gst_deltacnn_json_write_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_DELTACNN_JSON_WRITE_RECORDS, "One record per frame", "records"},
    {GST_DELTACNN_JSON_WRITE_EVENTS, "One line per track event (docs/events.md)", "events"},
    {GST_DELTACNN_JSON_WRITE_BOTH, "Records and track events, in stream order", "both"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstDeltaCnnJsonWrite", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}
