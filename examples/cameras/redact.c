/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "redact.h"

#include <string.h>

static gboolean
is_secret_name (const gchar * name, gsize length)
{
  static const gchar *const secrets[] = { "pass", "pwd", "token", "secret", "key", "auth", "sig" };
  gchar *lower = g_ascii_strdown (name, (gssize) length);
  gboolean secret = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (secrets) && !secret; ++i)
    secret = strstr (lower, secrets[i]) != NULL;
  g_free (lower);
  return secret;
}

gchar *
redact_source (const gchar * source)
{
  const gchar *scheme_end = strstr (source, "://");
  if (scheme_end == NULL)
    return g_strdup (source);
  GString *out = g_string_new (NULL);
  const gchar *authority = scheme_end + 3;
  const gchar *authority_end = authority + strcspn (authority, "/?#");
  const gchar *at = g_strstr_len (authority, authority_end - authority, "@");
  const gchar *colon = at != NULL ? g_strstr_len (authority, at - authority, ":") : NULL;
  const gchar *rest;
  if (colon != NULL) {
    g_string_append_len (out, source, colon - source);
    g_string_append (out, ":***");
    rest = at;
  } else {
    rest = source;
  }
  const gchar *query = strchr (rest, '?');
  if (query == NULL) {
    g_string_append (out, rest);
    return g_string_free (out, FALSE);
  }
  g_string_append_len (out, rest, query + 1 - rest);
  const gchar *fragment = strchr (query, '#');
  const gchar *end = fragment != NULL ? fragment : query + strlen (query);
  const gchar *param = query + 1;
  while (param < end) {
    const gchar *param_end = param + strcspn (param, "&");
    if (param_end > end)
      param_end = end;
    const gchar *equals = memchr (param, '=', (gsize) (param_end - param));
    if (equals != NULL && is_secret_name (param, (gsize) (equals - param))) {
      g_string_append_len (out, param, equals + 1 - param);
      g_string_append (out, "***");
    } else {
      g_string_append_len (out, param, param_end - param);
    }
    if (param_end < end)
      g_string_append_c (out, '&');
    param = param_end + 1;
  }
  if (fragment != NULL)
    g_string_append (out, fragment);
  return g_string_free (out, FALSE);
}
