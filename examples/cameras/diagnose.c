/* Why an RTSP camera could not be opened, in words an operator can act on.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtspsrc reports a camera it cannot reach as "Could not open resource for reading and writing"
 * whatever the cause, and its debug text says "Failed to connect. (Generic error)": a refused
 * port, a host name that does not resolve and a camera that is switched off read the same. When
 * such a failure is logged (at the 1st, 2nd, 4th, ... in a row), this connects to the camera's
 * host and port itself (GIO, asynchronously on the main loop; the connection times out after
 * 3 s, name resolution after the system resolver's own timeout) and logs what the network said.
 * A source GLib's URI parser refuses (a password with an unescaped '@') gets no diagnosis. */
#include "cameras.h"

#include <gio/gio.h>
#include <string.h>

#define DIAGNOSE_TIMEOUT_S 3

typedef struct {
  Camera *camera;
  gchar *endpoint;              /* host:port, for the log */
} Diagnosis;

/* The part of rtspsrc's messages that says nothing about the cause. */
static gboolean
is_generic_open_failure (const gchar * why)
{
  return why != NULL && (strstr (why, "Could not open resource") != NULL ||
      strstr (why, "Could not read from resource") != NULL);
}

static void
on_connected (GObject * client, GAsyncResult * result, gpointer data)
{
  Diagnosis *d = data;
  GError *error = NULL;
  GSocketConnection *connection =
      g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (client), result, &error);
  if (connection != NULL) {
    camera_log (d->camera, "cause: %s accepts TCP connections, but no RTSP stream came from it "
        "(check the path, the credentials, and that it is the camera)", d->endpoint);
    g_object_unref (connection);
  } else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    const gchar *hint = "";
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
      hint = " (the host is up and nothing listens on that port)";
    else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
      hint = " (no answer: the camera is off, unplugged or behind a firewall)";
    else if (error->domain == G_RESOLVER_ERROR)
      hint = " (check the host name)";
    camera_log (d->camera, "cause: cannot connect to %s: %s%s", d->endpoint, error->message, hint);
  }
  g_clear_error (&error);
  d->camera->app->diagnoses_running--;
  g_free (d->endpoint);
  g_free (d);
}

void
diagnose_open_failure (Camera * camera, const gchar * why)
{
  if (!is_generic_open_failure (why))
    return;
  GUri *uri = g_uri_parse (camera->source, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return;
  const gchar *scheme = g_uri_get_scheme (uri);
  const gchar *host = g_uri_get_host (uri);
  const gboolean rtsp = g_ascii_strcasecmp (scheme, "rtsp") == 0 ||
      g_ascii_strcasecmp (scheme, "rtspt") == 0 || g_ascii_strcasecmp (scheme, "rtsps") == 0;
  if (!rtsp || host == NULL || *host == '\0') {
    g_uri_unref (uri);
    return;
  }
  const gint port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) :
      (g_ascii_strcasecmp (scheme, "rtsps") == 0 ? 322 : 554);
  Diagnosis *d = g_new0 (Diagnosis, 1);
  d->camera = camera;
  d->endpoint = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port) :
      g_strdup_printf ("%s:%d", host, port);
  GSocketClient *client = g_socket_client_new ();
  g_socket_client_set_timeout (client, DIAGNOSE_TIMEOUT_S);
  camera->app->diagnoses_running++;
  g_socket_client_connect_to_host_async (client, host, (guint16) port,
      camera->app->diagnoses, on_connected, d);
  g_object_unref (client);      /* the pending operation holds its own reference */
  g_uri_unref (uri);
}
