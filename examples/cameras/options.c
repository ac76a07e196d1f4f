/* The command line of deltacnn-cameras. SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "cameras.h"


/* --sources-file: one SOURCE per line, blank lines and # comments (whole lines, or after white
 * space) skipped, white space around a line trimmed (CRLF too), a UTF-8 BOM ignored. FALSE
 * (said on stderr) when it cannot be read or holds a NUL byte. */
static gboolean
read_sources_file (const gchar * path, GPtrArray * sources)
{
  gchar *text = NULL;
  gsize length = 0;
  GError *error = NULL;
  if (!g_file_get_contents (path, &text, &length, &error)) {
    g_printerr (PROGRAM ": --sources-file: %s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  /* A NUL would silently end the list there (everything after it lost). */
  const gchar *nul = memchr (text, '\0', length);
  if (nul != NULL) {
    g_printerr (PROGRAM ": --sources-file '%s' holds a NUL byte at offset %" G_GSIZE_FORMAT
        "; expected a text file, one source per line\n", path, (gsize) (nul - text));
    g_free (text);
    return FALSE;
  }
  const gchar *start = g_str_has_prefix (text, "\xEF\xBB\xBF") ? text + 3 : text;  /* a UTF-8 BOM */
  gchar **lines = g_strsplit (start, "\n", -1);
  for (gchar ** line = lines; *line != NULL; ++line) {
    /* A comment after the source, separated by white space ('#' inside a URL is its fragment) */
    gchar *comment = strstr (*line, " #");
    if (comment == NULL)
      comment = strstr (*line, "\t#");
    if (comment != NULL)
      *comment = '\0';
    gchar *source = g_strstrip (*line);
    if (*source != '\0' && *source != '#')
      g_ptr_array_add (sources, g_strdup (source));
  }
  g_strfreev (lines);
  g_free (text);
  return TRUE;
}

typedef struct {
  gint *camera_timeout_s, *reconnect_delay_s, *mqtt_port;
  gboolean *mqtt_port_given;
} DecimalTargets;

/* Whole numbers in base 10 only: GLib's integer options take 08 as a bad octal number and
 * 0x15181 as hex, and the scripts pass what an operator typed (CAMERA_TIMEOUT_S=08). */
static gboolean
parse_decimal (const gchar * option, const gchar * value, gpointer data, GError ** error)
{
  DecimalTargets *targets = data;
  gint64 number = 0;
  if (!g_ascii_string_to_signed (value, 10, G_MININT, G_MAXINT, &number, NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s takes a whole number in base 10 (got '%s')", option, value);
    return FALSE;
  }
  gint *target = g_str_equal (option, "--camera-timeout") ? targets->camera_timeout_s :
      g_str_equal (option, "--reconnect-delay") ? targets->reconnect_delay_s : targets->mqtt_port;
  *target = (gint) number;
  if (target == targets->mqtt_port)
    *targets->mqtt_port_given = TRUE;
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
    {"camera-timeout", 0, 0, G_OPTION_ARG_CALLBACK, parse_decimal,
        "seconds without a frame before a camera counts as lost; 0 = never (default 10)", "S"},
    {"reconnect-delay", 0, 0, G_OPTION_ARG_CALLBACK, parse_decimal,
        "seconds before a lost camera is tried again; 0 = never (default 5)", "S"},
    {"write", 0, 0, G_OPTION_ARG_STRING, &write,
        "what cameraN.jsonl holds: records (default, one per frame), events or both", "WHAT"},
    {"mqtt-host", 0, 0, G_OPTION_ARG_STRING, &mqtt_host,
        "publish each camera's track events to this MQTT broker (deltacnn/cameraN/events; "
        "retained status deltacnn/cameraN/status)", "HOST"},
    {"mqtt-port", 0, 0, G_OPTION_ARG_CALLBACK, parse_decimal, "the broker's port (default 1883)",
        "N"},
    {"mqtt-user", 0, 0, G_OPTION_ARG_STRING, &mqtt_user,
        "broker user name; the password is read from MQTT_PASSWORD", "NAME"},
    {"mqtt-ca-file", 0, 0, G_OPTION_ARG_FILENAME, &mqtt_ca_file,
        "PEM CA of the broker's certificate: connect with TLS", "FILE"},
    {NULL}
  };
  GOptionContext *context = g_option_context_new ("SOURCE1 [SOURCE2 ...]");
  g_option_context_set_summary (context, "Runs deltacnn on several cameras in one process "
      "with one model in memory; each camera reconnects on its own.\n"
      "SOURCE: rtsp://..., another URI, or a video file.\n"
      "SIGUSR1 loads --config again while the cameras run; SIGINT/SIGTERM/SIGHUP stop them.");
  /* The callbacks find where to store each number through the group's data. */
  gboolean mqtt_port_given = FALSE;
  DecimalTargets targets = { &camera_timeout_s, &reconnect_delay_s, &mqtt_port, &mqtt_port_given };
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, &targets, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);
  g_option_context_add_group (context, gst_init_get_option_group ());
  GError *error = NULL;
  gboolean ok = g_option_context_parse (context, argc, argv, &error);
  if (!ok) {
    g_printerr (PROGRAM ": %s (see --help)\n", error->message);
    g_clear_error (&error);
  } else if (config == NULL) {
    g_printerr (PROGRAM ": --config is required (see --help)\n");
    ok = FALSE;
  } else if (camera_timeout_s < 0 || camera_timeout_s > 86400) {
    /* (the watchdog takes milliseconds in an int: larger values overflowed into a 1 s timeout) */
    g_printerr (PROGRAM ": --camera-timeout is whole seconds in 0..86400 (got %d)\n",
        camera_timeout_s);
    ok = FALSE;
  } else if (reconnect_delay_s < 0) {
    g_printerr (PROGRAM ": --reconnect-delay is whole seconds >= 0 (got %d)\n", reconnect_delay_s);
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
  } else if (mqtt_host == NULL && (mqtt_user != NULL || mqtt_ca_file != NULL || mqtt_port_given)) {
    g_printerr (PROGRAM ": --mqtt-user, --mqtt-ca-file and --mqtt-port need --mqtt-host\n");
    ok = FALSE;
  } else if (mqtt_host != NULL && *g_strstrip (mqtt_host) == '\0') {
    g_printerr (PROGRAM ": --mqtt-host is empty; expected the broker's host name or address\n");
    ok = FALSE;
  } else if (model_instance_id != NULL && *model_instance_id == '\0') {
    /* The element reads an empty id as "unset, load your own": the cameras would not share. */
    g_printerr (PROGRAM ": --model-instance-id is empty; expected a name (default: cameras)\n");
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
  /* GOption leaves a "--" in place when what follows it starts with '-' (-cam.avi). */
  int first = ok && *argc > 1 && g_strcmp0 ((*argv)[1], "--") == 0 ? 2 : 1;
  for (int i = first; ok && i < *argc; ++i)
    g_ptr_array_add (app->sources, g_strdup ((*argv)[i]));
  if (ok && sources_file != NULL)
    ok = read_sources_file (sources_file, app->sources);
  if (ok && app->sources->len == 0) {
    if (sources_file != NULL)
      g_printerr (PROGRAM ": no SOURCE given: --sources-file '%s' holds none (only blank lines "
          "and comments?) and the command line none (see --help)\n", sources_file);
    else
      g_printerr (PROGRAM ": no SOURCE given (see --help)\n");
    ok = FALSE;
  }
  g_free (sources_file);
  g_option_context_free (context);
  app->config = config;
  app->backend = backend != NULL ? backend : g_strdup ("auto");
  app->output_dir = output_dir != NULL ? output_dir : g_strdup ("out");
  app->base_instance_id = model_instance_id != NULL ? model_instance_id :
      g_strdup ("cameras");
  app->model_instance_id = g_strdup (app->base_instance_id);
  app->write = write != NULL ? write : g_strdup ("records");
  app->mqtt_host = mqtt_host;
  app->mqtt_user = mqtt_user;
  app->mqtt_ca_file = mqtt_ca_file;
  app->mqtt_port = mqtt_port;
  app->camera_timeout_s = camera_timeout_s;
  app->reconnect_delay_s = reconnect_delay_s;
  return ok;
}
