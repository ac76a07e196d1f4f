// Where tests find the source tree (models/, data/, configs/): meson's test_env sets
// DELTACNN_SOURCE_ROOT and DELTACNN_BUILD_ROOT. Tests that need fetched assets must FAIL (not
// skip) with a message pointing at the set-up script when they are missing.
#pragma once

#include <string>

namespace dcnn::test {

// DELTACNN_SOURCE_ROOT, or "." when the binary runs outside meson test.
std::string source_root();
std::string build_root();
// source_root() + "/" + relative.
std::string source_path(const std::string& relative);
bool file_exists(const std::string& path);
// "<path> is missing: run ./scripts/setup.sh" — the message asset-dependent tests fail with.
std::string missing_asset_message(const std::string& path);

}  // namespace dcnn::test
