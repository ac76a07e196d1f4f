#include "engine/exec/inert_thresholds.h"

#include <sstream>

#include "engine/core/error.h"

namespace dcnn {

std::vector<std::string> inert_threshold_warnings(const std::vector<std::string>& names,
                                                  const std::vector<int>& governing,
                                                  const std::vector<float>& eps,
                                                  const std::map<std::string, float>& layer_thresholds) {
  if (governing.size() != names.size() || eps.size() != names.size())
    throw Error(ErrorKind::Internal, "inert_threshold_warnings: names, governing and eps differ in length");
  std::vector<std::string> warnings;
  for (size_t k = 0; k < names.size(); ++k) {
    const int g = governing[k];
    if (g < 0 || size_t(g) >= names.size())
      throw Error(ErrorKind::Internal, "inert_threshold_warnings: node " + names[k] + " governed by node index " +
                                           std::to_string(g));
    if (size_t(g) == k) continue;
    const auto entry = layer_thresholds.find(names[k]);
    if (entry == layer_thresholds.end() || entry->second == eps[size_t(g)]) continue;
    std::ostringstream m;
    m << "delta.layer_thresholds." << names[k] << " is " << entry->second << ", but in the recompute form node '"
      << names[k] << "' is computed inside '" << names[size_t(g)] << "', which fires with its own threshold "
      << eps[size_t(g)] << "; this entry has no effect on the CPU backend (it applies to delta.form: propagate "
      << "and the CUDA backend); expected the same value as '" << names[size_t(g)] << "' or an entry on it";
    warnings.push_back(m.str());
  }
  return warnings;
}

}  // namespace dcnn
