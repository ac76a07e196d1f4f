// The plugin as users meet it: gst-inspect-1.0 loads it without warnings and documents every
// element and property.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/gst/gst_test_support.h"

namespace {

struct Inspect {
  int status = -1;
  std::string out, err;
};

// Runs gst-inspect-1.0 with this process's environment (GST_PLUGIN_PATH, GST_REGISTRY set by
// init_gstreamer), so it sees the plugin from the build dir.
Inspect inspect(const std::string& what) {
  Inspect r;
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError* error = nullptr;
  const gchar* argv[] = {GST_INSPECT, what.c_str(), nullptr};
  if (!g_spawn_sync(nullptr, const_cast<gchar**>(argv), nullptr, G_SPAWN_DEFAULT, nullptr, nullptr,
                    &out, &err, &status, &error)) {
    r.err = error->message;
    g_error_free(error);
    return r;
  }
  r.status = g_spawn_check_wait_status(status, nullptr) ? 0 : 1;
  r.out = out ? out : "";
  r.err = err ? err : "";
  g_free(out);
  g_free(err);
  return r;
}

class PluginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
};

TEST_F(PluginTest, RegistersThreeElements) {
  GstPlugin* plugin = gst_registry_find_plugin(gst_registry_get(), "deltacnn");
  ASSERT_NE(plugin, nullptr) << "plugin 'deltacnn' not in the registry";
  gst_object_unref(plugin);
  for (const char* name : {"deltacnn", "deltacnnoverlay", "deltacnnjson"}) {
    GstElementFactory* f = gst_element_factory_find(name);
    ASSERT_NE(f, nullptr) << name;
    gst_object_unref(f);
  }
  GstElementFactory* f = gst_element_factory_find("deltacnn");
  EXPECT_STREQ(gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS),
               "Filter/Analyzer/Video");
  gst_object_unref(f);
}

TEST_F(PluginTest, GstInspectShowsFullDocsWithoutWarnings) {
  Inspect r = inspect("deltacnn");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("CRITICAL"), std::string::npos) << r.err;
  for (const char* text : {"Filter/Analyzer/Video", "config-file-path", "model-instance-id",
                           "keyframe-interval", "delta-threshold", "score-threshold",
                           "device-id", "unique-id", "(0): auto", "(2): cpu", "(1): dense",
                           "RGBx", "NV12", "I420"})
    EXPECT_NE(r.out.find(text), std::string::npos) << "missing '" << text << "' in\n" << r.out;
}

TEST_F(PluginTest, GstInspectOfThePluginListsEveryElement) {
  Inspect r = inspect("deltacnn");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* element : {"deltacnnoverlay", "deltacnnjson"}) {
    Inspect e = inspect(element);
    EXPECT_EQ(e.status, 0) << element << ": " << e.err;
    EXPECT_EQ(e.err.find("WARNING"), std::string::npos) << e.err;
  }
}

}  // namespace
