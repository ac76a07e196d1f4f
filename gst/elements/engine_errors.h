// Engine errors -> GStreamer error messages. dcnn::ErrorKind picks the GError domain and code
// so that applications can react without parsing text; the engine's message (which names the
// file, YAML key or ONNX node) becomes the user-visible text.
#pragma once

#include <gst/gst.h>

#include <exception>
#include <optional>
#include <string>

#include "engine/core/error.h"

namespace deltacnn_gst {

struct GstErrorCode {
  GQuark domain;
  gint code;
};

GstErrorCode error_code_for(dcnn::ErrorKind kind);
// The same, with unset meaning "not a dcnn::Error" (std::bad_alloc, ...): LIBRARY FAILED.
GstErrorCode error_code_for(std::optional<dcnn::ErrorKind> kind);

// Posts an ERROR message for `error` on `element`'s bus; `what` says what was being done
// ("to load the deployment", "to process a frame"); `detail` goes to the debug text (e.g. the
// settings in effect).
void post_engine_error(GstElement* element, const dcnn::Error& error, const char* what,
                       const char* file, const char* function, int line,
                       const std::string& detail = std::string());
// Same for anything else thrown across the boundary (std::bad_alloc, ...): LIBRARY FAILED.
void post_unexpected_error(GstElement* element, const std::exception& error, const char* what,
                           const char* file, const char* function, int line);
// What both of those post, also as a WARNING (a reload that failed while the element goes on):
// text "Failed <what>: <message>", the code from `kind` (unset: not a dcnn::Error, LIBRARY
// FAILED), the debug text naming the kind and `detail`.
void post_failure(GstElement* element, GstMessageType type,
                  std::optional<dcnn::ErrorKind> kind, const std::string& message,
                  const char* what, const char* file, const char* function, int line,
                  const std::string& detail = std::string());

}  // namespace deltacnn_gst

#define DELTACNN_POST_ENGINE_ERROR(element, error, what, ...)                                  \
  deltacnn_gst::post_engine_error(GST_ELEMENT (element), error, what, __FILE__, GST_FUNCTION, \
                                  __LINE__, ##__VA_ARGS__)
#define DELTACNN_POST_UNEXPECTED_ERROR(element, error, what) \
  deltacnn_gst::post_unexpected_error(GST_ELEMENT (element), error, what, __FILE__, GST_FUNCTION, __LINE__)
