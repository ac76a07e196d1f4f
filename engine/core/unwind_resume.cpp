// _Unwind_Resume for the shared objects we ship (the engine library, the CUDA module, the GStreamer
// plugin): resume an exception with the unwinder that raised it.
//
// Why this exists. A process can hold two unwinders that export the same _Unwind_* names:
// libgcc_s (which libstdc++ is linked against) and libunwind (which libgstreamer links for its
// backtraces). Each object binds those names through the dynamic linker's scope as it stood when
// it first called them, so the binding depends on load order. A Python program that imports cv2
// before initialising Gst gets libstdc++ bound to libgcc_s (cv2's own dependency tree, loaded
// RTLD_LOCAL) and our libraries, loaded later when libgstreamer and libunwind have been promoted
// to the global scope, bound to libunwind. A throw then raises in libgcc_s, the first cleanup on
// the way (any destructor) resumes in libunwind, which hands libstdc++'s personality routine a
// context of its own kind, and the process dies with SIGSEGV instead of reporting the error.
// Linking libgcc statically (-static-libgcc) only moves the problem: it then breaks gst-launch,
// where libstdc++ itself binds to libunwind.
//
// The one unwinder that is always right is the one libstdc++'s __cxa_throw raised with, so this
// definition (hidden: every object that links this file uses its own copy and binds to it at
// link time) reads libstdc++'s PLT slot for _Unwind_RaiseException, finds the library that slot
// points into and resumes with that library's _Unwind_Resume. The answer is cached once the slot
// is bound (it never changes after that). Where anything is not as expected (no libstdc++, an
// unbound slot, a stripped dynamic section) it falls back to what the dynamic linker would have
// chosen without this file.
#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>

struct _Unwind_Exception;

namespace {

using ResumeFunction = void (*)(_Unwind_Exception*);

std::atomic<ResumeFunction> cached_resume{nullptr};

// The dynamic linker relocates most d_ptr entries in place (glibc on x86-64 and aarch64), some
// ports leave them as link-time addresses: accept both.
template <typename T>
const T* dynamic_pointer(const link_map* map, ElfW(Addr) value) {
  const ElfW(Addr) address = value < map->l_addr ? value + map->l_addr : value;
  return reinterpret_cast<const T*>(address);
}

template <typename Relocation>
void* slot_value(const link_map* map, const Relocation* relocations, std::size_t bytes,
                 const ElfW(Sym)* symbols, const char* strings, const char* wanted) {
  for (std::size_t i = 0; i < bytes / sizeof(Relocation); ++i) {
#if __WORDSIZE == 64
    const std::size_t symbol = ELF64_R_SYM(relocations[i].r_info);
#else
    const std::size_t symbol = ELF32_R_SYM(relocations[i].r_info);
#endif
    if (symbol != 0 && std::strcmp(strings + symbols[symbol].st_name, wanted) == 0)
      return *reinterpret_cast<void* const*>(map->l_addr + relocations[i].r_offset);
  }
  return nullptr;
}

// What libstdc++'s PLT slot for `name` holds, and libstdc++'s link map; nullptr when unknown.
void* libstdcxx_plt_slot(const char* name, const link_map** libstdcxx) {
  Dl_info info;
  link_map* map = nullptr;
  // std::terminate is defined in libstdc++, so its address names that library.
  if (dladdr1(reinterpret_cast<void*>(&std::terminate), &info, reinterpret_cast<void**>(&map),
              RTLD_DL_LINKMAP) == 0 || map == nullptr || map->l_ld == nullptr)
    return nullptr;
  *libstdcxx = map;
  ElfW(Addr) jmprel = 0, symtab = 0, strtab = 0, relocation_kind = 0;
  std::size_t relocation_bytes = 0;
  for (const ElfW(Dyn)* entry = map->l_ld; entry->d_tag != DT_NULL; ++entry) {
    switch (entry->d_tag) {
      case DT_JMPREL: jmprel = entry->d_un.d_ptr; break;
      case DT_PLTRELSZ: relocation_bytes = entry->d_un.d_val; break;
      case DT_PLTREL: relocation_kind = entry->d_un.d_val; break;
      case DT_SYMTAB: symtab = entry->d_un.d_ptr; break;
      case DT_STRTAB: strtab = entry->d_un.d_ptr; break;
      default: break;
    }
  }
  if (jmprel == 0 || symtab == 0 || strtab == 0 || relocation_bytes == 0) return nullptr;
  const auto* symbols = dynamic_pointer<ElfW(Sym)>(map, symtab);
  const auto* strings = dynamic_pointer<char>(map, strtab);
  if (relocation_kind == DT_RELA)
    return slot_value(map, dynamic_pointer<ElfW(Rela)>(map, jmprel), relocation_bytes, symbols,
                      strings, name);
  return slot_value(map, dynamic_pointer<ElfW(Rel)>(map, jmprel), relocation_bytes, symbols,
                    strings, name);
}

// _Unwind_Resume of the library libstdc++ raises with; nullptr while that is not known yet.
ResumeFunction resume_of_libstdcxx_raiser() {
  const link_map* libstdcxx = nullptr;
  void* raise = libstdcxx_plt_slot("_Unwind_RaiseException", &libstdcxx);
  if (raise == nullptr) return nullptr;
  Dl_info info;
  link_map* owner = nullptr;
  if (dladdr1(raise, &info, reinterpret_cast<void**>(&owner), RTLD_DL_LINKMAP) == 0 ||
      owner == nullptr || owner == libstdcxx || info.dli_fname == nullptr)
    return nullptr;  // not bound yet: the slot still points at libstdc++'s own PLT stub
  void* library = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (library == nullptr) return nullptr;
  auto* resume = reinterpret_cast<ResumeFunction>(dlsym(library, "_Unwind_Resume"));
  dlclose(library);  // RTLD_NOLOAD took a reference; the library stays loaded by its users
  return resume;
}

ResumeFunction resume_function() {
  if (ResumeFunction known = cached_resume.load(std::memory_order_acquire)) return known;
  if (ResumeFunction found = resume_of_libstdcxx_raiser()) {
    cached_resume.store(found, std::memory_order_release);
    return found;
  }
  // What the dynamic linker would have bound for this object.
  return reinterpret_cast<ResumeFunction>(dlsym(RTLD_NEXT, "_Unwind_Resume"));
}

}  // namespace

extern "C" __attribute__((visibility("hidden"), noreturn)) void _Unwind_Resume(
    _Unwind_Exception* exception) {
  if (ResumeFunction resume = resume_function()) resume(exception);
  std::terminate();  // no unwinder at all, or one whose _Unwind_Resume returned
}
