// Temporary files of the tools (an output being written before it replaces the user's file, the
// onnxruntime reference's frames) removed when the tool is interrupted (SIGINT, SIGTERM, SIGHUP):
// destructors do not run then, and a benchmark stopped with Ctrl-C must not leave tens of MB in
// /tmp or a half-written file beside the user's.
#pragma once

#include <string>

namespace dcnn::tools {

// Registers `path` for removal on an interrupt (installs the handlers on first use). At most a
// handful of paths at once (more are not registered; they are still removed by their owner on a
// normal exit). The handler removes the registered files and then dies of the same signal.
void remove_on_interrupt(const std::string& path);
// The owner removed or renamed `path`: no longer the handler's to remove.
void forget_on_interrupt(const std::string& path);

}  // namespace dcnn::tools
