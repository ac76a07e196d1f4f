// examples/cameras/redact.c: camera URLs as deltacnn-cameras logs them, without their secrets.
#include <glib.h>
#include <gtest/gtest.h>

#include <string>

#include "examples/cameras/redact.h"

namespace {

std::string redacted(const char* source) {
  gchar* out = redact_source(source);
  std::string s = out;
  g_free(out);
  return s;
}

TEST(RedactSource, UserInfoPasswordsAreHidden) {
  EXPECT_EQ(redacted("rtsp://admin:s3cret@cam.local:554/stream1"), "rtsp://admin:***@cam.local:554/stream1");
  EXPECT_EQ(redacted("rtsp://:tok@cam/s"), "rtsp://:***@cam/s");
  EXPECT_EQ(redacted("rtsp://admin@cam/s"), "rtsp://admin@cam/s");  // no password
  EXPECT_EQ(redacted("rtsp://cam.local:554/s"), "rtsp://cam.local:554/s");
  // Malformed, as typed: '/', '?' or '@' in the password, one slash after the scheme.
  EXPECT_EQ(redacted("rtsp://admin:pa/ss@cam/s"), "rtsp://admin:***@cam/s");
  EXPECT_EQ(redacted("rtsp://admin:pa?ss@cam/s"), "rtsp://admin:***@cam/s");
  EXPECT_EQ(redacted("rtsp://admin:p@ss@cam/s"), "rtsp://admin:***@cam/s");
  EXPECT_EQ(redacted("rtsp:/admin:s3cret@cam/s"), "rtsp:/admin:***@cam/s");
}

TEST(RedactSource, SecretQueryValuesAreHidden) {
  EXPECT_EQ(redacted("rtsp://cam/s?channel=1&password=x&pw=y;loginpas=z"),
            "rtsp://cam/s?channel=1&password=***&pw=***;loginpas=***");
  EXPECT_EQ(redacted("http://cam/v?%70assword=x&apikey=k&X-Auth=a&access_token=t#frag"),
            "http://cam/v?%70assword=***&apikey=***&X-Auth=***&access_token=***#frag");
  EXPECT_EQ(redacted("rtsp://cam/s?channel=2&subtype=0"), "rtsp://cam/s?channel=2&subtype=0");
}

TEST(RedactSource, SecretValuesInThePathAreHidden) {
  // The path forms of many cameras' firmware (Dahua/XMEye clones), and 'psw'.
  EXPECT_EQ(redacted("rtsp://cam/user=admin&password=S3CRETA&channel=1&stream=0.sdp?real_stream"),
            "rtsp://cam/user=admin&password=***&channel=1&stream=0.sdp?real_stream");
  EXPECT_EQ(redacted("rtsp://cam/user=admin_password=S3CRETB_channel=1_stream=0.sdp"),
            "rtsp://cam/user=admin_password=***_channel=1_stream=0.sdp");
  EXPECT_EQ(redacted("rtsp://cam/live?usr=admin&psw=S3CRETC"), "rtsp://cam/live?usr=admin&psw=***");
  EXPECT_EQ(redacted("rtsp://cam/cam/realmonitor?channel=1&subtype=0"),
            "rtsp://cam/cam/realmonitor?channel=1&subtype=0");
  EXPECT_EQ(redacted("rtsp://admin:x@cam/a/pwd=y/s"), "rtsp://admin:***@cam/a/pwd=***/s");
}

TEST(RedactSource, FilePathsAreUnchanged) {
  EXPECT_EQ(redacted("/data/clip 5.avi"), "/data/clip 5.avi");
  EXPECT_EQ(redacted("clip.avi"), "clip.avi");
}

}  // namespace
