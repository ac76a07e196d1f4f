#include "gst/elements/engine_errors.h"

namespace deltacnn_gst {

GstErrorCode error_code_for(dcnn::ErrorKind kind) {
  switch (kind) {
    case dcnn::ErrorKind::NotFound: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND};
    case dcnn::ErrorKind::Config: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS};
    // A corrupt or inconsistent ONNX file: the inference library cannot initialise from it.
    case dcnn::ErrorKind::Model: return {GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT};
    // A valid model using an op / attribute the engine does not implement.
    case dcnn::ErrorKind::Unsupported: return {GST_STREAM_ERROR, GST_STREAM_ERROR_NOT_IMPLEMENTED};
    case dcnn::ErrorKind::Input: return {GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT};
    case dcnn::ErrorKind::Device: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED};
    case dcnn::ErrorKind::Memory: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT};
    case dcnn::ErrorKind::Internal: return {GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED};
  }
  return {GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED};
}

void post_engine_error(GstElement* element, const dcnn::Error& error, const char* what,
                       const char* file, const char* function, int line,
                       const std::string& detail) {
  GstErrorCode code = error_code_for(error.kind());
  gchar* text = g_strdup_printf("Failed %s: %s", what, error.what());
  gchar* debug = g_strdup_printf("dcnn::Error kind %s%s%s", dcnn::to_string(error.kind()),
                                 detail.empty() ? "" : "; ", detail.c_str());
  // gst_element_message_full takes ownership of text and debug.
  gst_element_message_full(element, GST_MESSAGE_ERROR, code.domain, code.code, text, debug, file,
                           function, line);
}

void post_unexpected_error(GstElement* element, const std::exception& error, const char* what,
                           const char* file, const char* function, int line) {
  gchar* text = g_strdup_printf("Failed %s: %s", what, error.what());
  gst_element_message_full(element, GST_MESSAGE_ERROR, GST_LIBRARY_ERROR,
                           GST_LIBRARY_ERROR_FAILED, text, g_strdup("unexpected C++ exception"),
                           file, function, line);
}

}  // namespace deltacnn_gst
