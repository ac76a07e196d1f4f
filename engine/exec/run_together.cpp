#include "engine/exec/run_together.h"

#include <exception>
#include <set>
#include <string>

#include "engine/core/error.h"

namespace dcnn {

void run_together(const std::vector<Executor*>& executors, const std::vector<const float*>& frames) {
  if (executors.size() != frames.size())
    throw Error(ErrorKind::Input, "run_together: " + std::to_string(executors.size()) +
                                      " executors but " + std::to_string(frames.size()) +
                                      " frames; expected one frame per executor");
  std::set<const Executor*> seen;
  for (size_t i = 0; i < executors.size(); ++i) {
    if (!executors[i])
      throw Error(ErrorKind::Input, "run_together: executor " + std::to_string(i) + " is null");
    if (!seen.insert(executors[i]).second)
      throw Error(ErrorKind::Input, "run_together: executor " + std::to_string(i) +
                                        " appears twice; expected each stream once per step");
  }
  std::exception_ptr first_error;
  size_t submitted = 0;
  try {
    for (; submitted < executors.size(); ++submitted) executors[submitted]->submit(frames[submitted]);
  } catch (...) {
    first_error = std::current_exception();
  }
  // Finish everything that was submitted, also after a failure, so no stream is left in flight.
  for (size_t i = 0; i < submitted; ++i) {
    try {
      executors[i]->finish();
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace dcnn
