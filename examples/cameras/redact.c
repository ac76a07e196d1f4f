/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "redact.h"

#include <string.h>

static gboolean
is_secret_name (const gchar * name, gsize length)
{
  static const gchar *const secrets[] = { "pas", "pw", "psw", "token", "secret", "key", "auth",
    "sig", "cred", "jwt", "session", "code"
  };
  gchar *lower = g_ascii_strdown (name, (gssize) length);
  gboolean secret = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (secrets) && !secret; ++i)
    secret = strstr (lower, secrets[i]) != NULL;
  g_free (lower);
  return secret;
}

/* Where the user-info's password is: after the first ':' of the authority and before the
 * LAST '@' of the string (a password may hold '/', '?', '@' that a careless URL leaves
 * unescaped; masking too much of a malformed URL is the safe side). */
static void
append_without_password (GString * out, const gchar * source, const gchar * authority)
{
  const gchar *at = strrchr (authority, '@');
  const gchar *colon = at != NULL ? memchr (authority, ':', (gsize) (at - authority)) : NULL;
  if (colon == NULL) {
    g_string_append (out, source);
    return;
  }
  g_string_append_len (out, source, colon - source);
  g_string_append (out, ":***");
  g_string_append (out, at);
}

/* Where a value written in a path ends: at '&', ';', '/', '?', '#', or at a '_' that starts the
 * next "name=" (cameras that take "user=admin_password=x_channel=1" in the path). */
static const gchar *
path_value_end (const gchar * value, const gchar * end)
{
  for (const gchar * p = value; p < end; ++p) {
    if (strchr ("&;/?#", *p) != NULL)
      return p;
    if (*p == '_') {
      const gchar *name = p + 1;
      while (name < end && g_ascii_isalnum (*name))
        ++name;
      if (name > p + 1 && name < end && *name == '=')
        return p;
    }
  }
  return end;
}

/* Secrets written into the path as name=value (many cameras' firmware: rtsp://cam/user=admin&
 * password=x&channel=1&stream=0.sdp): the value of every secret-named one is masked. */
static void
redact_path (GString * out, const gchar * path, const gchar * end)
{
  const gchar *p = path;
  while (p < end) {
    const gchar *equals = memchr (p, '=', (gsize) (end - p));
    if (equals == NULL)
      break;
    const gchar *name = equals;
    while (name > p && g_ascii_isalnum (name[-1]))
      --name;
    const gchar *value_end = path_value_end (equals + 1, end);
    if (name < equals && is_secret_name (name, (gsize) (equals - name))) {
      g_string_append_len (out, p, equals + 1 - p);
      g_string_append (out, "***");
    } else {
      g_string_append_len (out, p, value_end - p);
    }
    p = value_end;
  }
  g_string_append_len (out, p, end - p);
}

static void
redact_query (GString * out, const gchar * rest)
{
  const gchar *query = strchr (rest, '?');
  if (query == NULL) {
    redact_path (out, rest, rest + strlen (rest));
    return;
  }
  redact_path (out, rest, query);
  g_string_append_c (out, '?');
  const gchar *fragment = strchr (query, '#');
  const gchar *end = fragment != NULL ? fragment : query + strlen (query);
  const gchar *param = query + 1;
  while (param < end) {
    const gchar *param_end = param + strcspn (param, "&;");
    if (param_end > end)
      param_end = end;
    const gchar *equals = memchr (param, '=', (gsize) (param_end - param));
    gchar *name = equals != NULL ? g_uri_unescape_segment (param, equals, NULL) : NULL;
    if (equals != NULL && (name == NULL || is_secret_name (name, strlen (name)))) {
      g_string_append_len (out, param, equals + 1 - param);
      g_string_append (out, "***");
    } else {
      g_string_append_len (out, param, param_end - param);
    }
    g_free (name);
    if (param_end < end)
      g_string_append_c (out, *param_end);
    param = param_end + 1;
  }
  if (fragment != NULL)
    g_string_append (out, fragment);
}

gchar *
redact_source (const gchar * source)
{
  /* scheme "://" authority..., or a malformed "scheme:/..." that still carries user:pass@ */
  const gchar *authority = NULL;
  const gchar *scheme_end = strstr (source, "://");
  if (scheme_end != NULL) {
    authority = scheme_end + 3;
  } else if (g_ascii_isalpha (source[0])) {
    const gchar *colon = source + strspn (source,
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    if (*colon == ':' && strchr (colon, '@') != NULL)
      authority = colon + 1 + strspn (colon + 1, "/");
  }
  if (authority == NULL)
    return g_strdup (source);
  GString *masked = g_string_new (NULL);
  append_without_password (masked, source, authority);
  GString *out = g_string_new (NULL);
  redact_query (out, masked->str);
  g_string_free (masked, TRUE);
  return g_string_free (out, FALSE);
}
