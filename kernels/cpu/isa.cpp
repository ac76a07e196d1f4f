#include "kernels/cpu/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace dcnn::cpu {
namespace {

Isa widest() {
  if (cpu_runs(Isa::Avx512)) return Isa::Avx512;
  if (cpu_runs(Isa::Avx2)) return Isa::Avx2;
  return Isa::Baseline;
}

Isa choose() {
  const Isa best = widest();
  const char* v = std::getenv("DELTACNN_CPU_ISA");
  if (!v || !*v) return best;
  for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512})
    if (std::strcmp(v, to_string(isa)) == 0) {
      if (cpu_runs(isa)) return isa;
      std::fprintf(stderr, "deltacnn: warning: DELTACNN_CPU_ISA=%s: this CPU does not run it; using %s\n", v,
                   to_string(best));
      return best;
    }
  std::fprintf(stderr, "deltacnn: warning: DELTACNN_CPU_ISA=%s is not one of baseline, avx2, avx512; using %s\n", v,
               to_string(best));
  return best;
}

}  // namespace

bool cpu_runs(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::Avx512: return __builtin_cpu_supports("x86-64-v4");
    case Isa::Avx2: return __builtin_cpu_supports("x86-64-v3");
    case Isa::Baseline: break;
  }
  return true;
}

Isa kernel_isa() {
  static const Isa isa = choose();
  return isa;
}

const char* to_string(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::Baseline: break;
  }
  return "baseline";
}

}  // namespace dcnn::cpu
