/* Camera URLs as deltacnn-cameras logs them: without the secrets they may carry. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* rtsp://user:secret@host/s?channel=1&password=x -> rtsp://user:***@host/s?channel=1&password=***
 * The user-info password and the values of query parameters whose names say they are secrets
 * (containing pas, pw, token, secret, key, auth, sig, cred, jwt, session or code; any case,
 * percent-decoded) are replaced; the rest is kept, so the
 * operator still sees which camera it is. Plain file paths come back unchanged. */
gchar *redact_source (const gchar * source);

G_END_DECLS
