/* The deltacnn plugin: registration only; each element lives in its own file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include "gst/elements/gstdeltacnn.h"
#include "gst/elements/gstdeltacnnjson.h"
#include "gst/elements/gstdeltacnnoverlay.h"
#include "gst/elements/gstdeltacnnpublish.h"

#ifndef PACKAGE
#define PACKAGE "deltacnn"
#endif

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ok = FALSE;

  ok |= GST_ELEMENT_REGISTER (deltacnn, plugin);
  ok |= GST_ELEMENT_REGISTER (deltacnnoverlay, plugin);
  ok |= GST_ELEMENT_REGISTER (deltacnnjson, plugin);
  ok |= GST_ELEMENT_REGISTER (deltacnnpublish, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, deltacnn,
    "Sparse delta CNN inference on video (DeltaCNN) with metadata, overlay, JSON and MQTT output",
    plugin_init, DELTACNN_VERSION, "LGPL", "deltacnn", "local build")
