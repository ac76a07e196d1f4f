/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "redact.h"

#include <string.h>

static gboolean
is_secret_name (const gchar * name, gsize length)
{
  static const gchar *const secrets[] = { "pas", "pw", "token", "secret", "key", "auth", "sig",
    "cred", "jwt", "session", "code"
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

static void
redact_query (GString * out, const gchar * rest)
{
  const gchar *query = strchr (rest, '?');
  if (query == NULL) {
    g_string_append (out, rest);
    return;
  }
  g_string_append_len (out, rest, query + 1 - rest);
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
