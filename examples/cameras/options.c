/* The command line of deltacnn-cameras. SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "cameras.h"


/* --sources-file: one SOURCE per line, blank lines and # comments skipped, whitespace around
 * a line trimmed. FALSE (said on stderr) when it cannot be read. */
static gboolean
read_sources_file (const gchar * path, GPtrArray * sources)
{
  gchar *text = NULL;
  GError *error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error)) {
    g_printerr (PROGRAM ": --sources-file: %s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  for (gchar ** line = lines; *line != NULL; ++line) {
    gchar *source = g_strstrip (*line);
    if (*source != '\0' && *source != '#')
      g_ptr_array_add (sources, g_strdup (source));
  }
  g_strfreev (lines);
  g_free (text);
  return TRUE;
}

gboolean
parse_arguments (App * app, int *argc, char ***argv)
{
  gchar *config = NULL, *backend = NULL, *output_dir = NULL, *model_instance_id = NULL;
  gchar *write = NULL, *mqtt_host = NULL, *mqtt_user = NULL, *mqtt_ca_file = NULL;
  gint mqtt_port = 1883;
  gint camera_timeout_s = 10, reconnect_delay_s = 5;
  gchar *sources_file = NULL;
  GOptionEntry entries[] = {
    {"sources-file", 0, 0, G_OPTION_ARG_FILENAME, &sources_file,
        "read SOURCEs from FILE, one per line (# comments): camera passwords stay out of the "
        "process list; after the command line's SOURCEs", "FILE"},
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
        "deltacnn YAML deployment file (required)", "FILE"},
    {"backend", 'b', 0, G_OPTION_ARG_STRING, &backend,
        "auto (default), cpu or cuda", "NAME"},
    {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
        "where cameraN.jsonl go (default: out; created)", "DIR"},
    {"model-instance-id", 0, 0, G_OPTION_ARG_STRING, &model_instance_id,
        "the shared model's id (default: cameras)", "ID"},
    {"camera-timeout", 0, 0, G_OPTION_ARG_INT, &camera_timeout_s,
        "seconds without a frame before a camera counts as lost; 0 = never (default 10)", "S"},
    {"reconnect-delay", 0, 0, G_OPTION_ARG_INT, &reconnect_delay_s,
        "seconds before a lost camera is tried again; 0 = never (default 5)", "S"},
    {"write", 0, 0, G_OPTION_ARG_STRING, &write,
        "what cameraN.jsonl holds: records (default, one per frame), events or both", "WHAT"},
    {"mqtt-host", 0, 0, G_OPTION_ARG_STRING, &mqtt_host,
        "publish each camera's track events to this MQTT broker (deltacnn/cameraN/events; "
        "retained status deltacnn/cameraN/status)", "HOST"},
    {"mqtt-port", 0, 0, G_OPTION_ARG_INT, &mqtt_port, "the broker's port (default 1883)", "N"},
    {"mqtt-user", 0, 0, G_OPTION_ARG_STRING, &mqtt_user,
        "broker user name; the password is read from MQTT_PASSWORD", "NAME"},
    {"mqtt-ca-file", 0, 0, G_OPTION_ARG_FILENAME, &mqtt_ca_file,
        "PEM CA of the broker's certificate: connect with TLS", "FILE"},
    {NULL}
  };
  GOptionContext *context = g_option_context_new ("SOURCE1 [SOURCE2 ...]");
  g_option_context_set_summary (context, "Runs deltacnn on several cameras in one process "
      "with one model in memory; each camera reconnects on its own.\n"
      "SOURCE: rtsp://..., another URI, or a video file.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  GError *error = NULL;
  gboolean ok = g_option_context_parse (context, argc, argv, &error);
  if (!ok) {
    g_printerr (PROGRAM ": %s (see --help)\n", error->message);
    g_clear_error (&error);
  } else if (config == NULL) {
    g_printerr (PROGRAM ": --config is required (see --help)\n");
    ok = FALSE;
  } else if (camera_timeout_s < 0 || reconnect_delay_s < 0 || camera_timeout_s > 86400) {
    /* (the watchdog takes milliseconds in an int: larger values overflowed into a 1 s timeout) */
    g_printerr (PROGRAM ": --camera-timeout is whole seconds in 0..86400 and --reconnect-delay "
        "whole seconds >= 0\n");
    ok = FALSE;
  } else if (backend != NULL && g_strcmp0 (backend, "auto") != 0 &&
      g_strcmp0 (backend, "cpu") != 0 && g_strcmp0 (backend, "cuda") != 0) {
    g_printerr (PROGRAM ": --backend is auto, cpu or cuda (got '%s')\n", backend);
    ok = FALSE;
  } else if (write != NULL && g_strcmp0 (write, "records") != 0 &&
      g_strcmp0 (write, "events") != 0 && g_strcmp0 (write, "both") != 0) {
    g_printerr (PROGRAM ": --write is records, events or both (got '%s')\n", write);
    ok = FALSE;
  } else if (mqtt_port < 1 || mqtt_port > 65535) {
    g_printerr (PROGRAM ": --mqtt-port is 1..65535 (got %d)\n", mqtt_port);
    ok = FALSE;
  } else if (mqtt_host == NULL && (mqtt_user != NULL || mqtt_ca_file != NULL)) {
    g_printerr (PROGRAM ": --mqtt-user and --mqtt-ca-file need --mqtt-host\n");
    ok = FALSE;
  } else if (mqtt_user != NULL && g_getenv ("MQTT_PASSWORD") == NULL) {
    g_printerr (PROGRAM ": --mqtt-user needs the password in MQTT_PASSWORD (not on the "
        "command line, where other users can read it)\n");
    ok = FALSE;
  } else if (!g_file_test (config, G_FILE_TEST_IS_REGULAR)) {
    g_printerr (PROGRAM ": --config '%s' is not a readable file\n", config);
    ok = FALSE;
  }
  app->sources = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; ok && i < *argc; ++i)
    g_ptr_array_add (app->sources, g_strdup ((*argv)[i]));
  if (ok && sources_file != NULL)
    ok = read_sources_file (sources_file, app->sources);
  if (ok && app->sources->len == 0) {
    g_printerr (PROGRAM ": no SOURCE given (see --help)\n");
    ok = FALSE;
  }
  g_free (sources_file);
  g_option_context_free (context);
  app->config = config;
  app->backend = backend != NULL ? backend : g_strdup ("auto");
  app->output_dir = output_dir != NULL ? output_dir : g_strdup ("out");
  app->model_instance_id = model_instance_id != NULL ? model_instance_id :
      g_strdup ("cameras");
  app->write = write != NULL ? write : g_strdup ("records");
  app->mqtt_host = mqtt_host;
  app->mqtt_user = mqtt_user;
  app->mqtt_ca_file = mqtt_ca_file;
  app->mqtt_port = mqtt_port;
  app->camera_timeout_s = camera_timeout_s;
  app->reconnect_delay_s = reconnect_delay_s;
  return ok;
}
