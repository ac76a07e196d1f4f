/* rtsp-test-server: a stand-in RTSP camera for the tests and scripts. Serves a video file,
 * re-encoded to H.264 (x264 zerolatency/ultrafast, as cheap IP cameras stream), at
 * rtsp://ADDRESS:PORT/test at the file's frame rate (each client gets its own media from the
 * start of the file, so the tests are deterministic; the stream ends with the file, 79 s for
 * vtest.avi). It is its own process so
 * that tests can kill it for real (SIGKILL) and watch the client's reaction.
 *
 *   rtsp-test-server PORT VIDEO_FILE [FPS]
 *
 * Listens on 127.0.0.1 only. FPS (default: the file's rate) re-times the stream, e.g. 1 for a
 * client that runs under valgrind and would otherwise build a backlog of hundreds of frames.
 *
 * Prints "READY rtsp://ADDRESS:PORT/test" on stdout once it listens; exit status 1 when it
 * cannot listen (port taken) or the arguments are bad.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 3 || argc > 4) {
    fprintf (stderr, "usage: %s PORT VIDEO_FILE [FPS]\n", argv[0]);
    return 1;
  }
  gchar *end = NULL;
  guint64 port = g_ascii_strtoull (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || port == 0 || port > 65535) {
    fprintf (stderr, "rtsp-test-server: PORT must be 1..65535, got '%s'\n", argv[1]);
    return 1;
  }
  if (!g_file_test (argv[2], G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "rtsp-test-server: VIDEO_FILE '%s' does not exist\n", argv[2]);
    return 1;
  }
  const gchar *address = "127.0.0.1";
  guint64 fps = 0;
  if (argc == 4) {
    fps = g_ascii_strtoull (argv[3], &end, 10);
    if (end == argv[3] || *end != '\0' || fps == 0 || fps > 240) {
      fprintf (stderr, "rtsp-test-server: FPS must be 1..240, got '%s'\n", argv[3]);
      return 1;
    }
  }

  GstRTSPServer *server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (server, address);
  gchar *service = g_strdup_printf ("%u", (guint) port);
  gst_rtsp_server_set_service (server, service);
  g_free (service);

  gchar *rate = fps > 0 ? g_strdup_printf ("videorate ! video/x-raw,framerate=%u/1 ! ",
      (guint) fps) : g_strdup ("");
  gchar *launch = g_strdup_printf ("( filesrc location=\"%s\" ! decodebin ! %svideoconvert ! "
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! "
      "rtph264pay name=pay0 pt=96 config-interval=1 )", argv[2], rate);
  g_free (rate);
  GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (factory, launch);
  gst_rtsp_media_factory_set_shared (factory, FALSE);
  g_free (launch);
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (server);
  gst_rtsp_mount_points_add_factory (mounts, "/test", factory);
  g_object_unref (mounts);

  GError *error = NULL;
  GSource *source = gst_rtsp_server_create_source (server, NULL, &error);
  if (source == NULL) {
    fprintf (stderr, "rtsp-test-server: cannot listen on %s:%u: %s\n", address, (guint) port,
        error ? error->message : "unknown error");
    g_clear_error (&error);
    g_object_unref (server);
    return 1;
  }
  g_source_attach (source, NULL);
  g_source_unref (source);

  printf ("READY rtsp://%s:%u/test\n", address, (guint) port);
  fflush (stdout);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);       /* until killed */
  g_main_loop_unref (loop);
  g_object_unref (server);
  return 0;
}
