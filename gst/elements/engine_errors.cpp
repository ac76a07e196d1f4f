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

GstErrorCode error_code_for(std::optional<dcnn::ErrorKind> kind) {
  return kind ? error_code_for(*kind) : GstErrorCode{GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED};
}

void post_failure(GstElement* element, GstMessageType type, std::optional<dcnn::ErrorKind> kind,
                  const std::string& message, const char* what, const char* file,
                  const char* function, int line, const std::string& detail) {
  const GstErrorCode code = error_code_for(kind);
  gchar* text = g_strdup_printf("Failed %s: %s", what, message.c_str());
  const std::string origin =
      kind ? std::string("dcnn::Error kind ") + dcnn::to_string(*kind) : "unexpected C++ exception";
  gchar* debug = g_strdup_printf("%s%s%s", origin.c_str(), detail.empty() ? "" : "; ",
                                 detail.c_str());
  // gst_element_message_full takes ownership of text and debug.
  gst_element_message_full(element, type, code.domain, code.code, text, debug, file, function,
                           line);
}

void post_engine_error(GstElement* element, const dcnn::Error& error, const char* what,
                       const char* file, const char* function, int line,
                       const std::string& detail) {
  post_failure(element, GST_MESSAGE_ERROR, error.kind(), error.what(), what, file, function, line,
               detail);
}

void post_unexpected_error(GstElement* element, const std::exception& error, const char* what,
                           const char* file, const char* function, int line) {
  post_failure(element, GST_MESSAGE_ERROR, std::nullopt, error.what(), what, file, function,
               line);
}

}  // namespace deltacnn_gst
