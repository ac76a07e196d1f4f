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
// The unwinder that must resume is the one libstdc++'s personality routine works with: it hands
// the routine its context, and the routine reads it through libstdc++'s own bindings of
// _Unwind_GetLanguageSpecificData and friends. So this definition (hidden: every object that links
// this file uses its own copy and binds to it at link time) reads libstdc++'s slot for
// _Unwind_GetLanguageSpecificData (bound by the time any cleanup runs: the personality routine
// called it to find the cleanup), finds the library that slot points into, and resumes with that
// library's _Unwind_Resume. Not _Unwind_RaiseException's slot: AddressSanitizer wraps that one, and
// its wrapper's library would answer with libgcc_s's resume under a libunwind personality. The
// answer is cached once found (a bound slot never changes). Where anything is not as expected (no
// libstdc++, an unbound slot, a resume from another library) it falls back to what the dynamic
// linker would have chosen without this file.
//
// Built with -fno-exceptions -funwind-tables (engine/core/meson.build): a sanitizer (TSan) may
// otherwise add a cleanup to this very function, whose resume would call it again for ever.
// glibc only (dladdr1, dlinfo); not on 32-bit ARM, whose EHABI unwinder ends cleanups with
// __cxa_end_cleanup and restarts from the registers _Unwind_Resume was called with.
#include <cstddef>  // defines __GLIBC__ on glibc, for the test below

#if defined(__GLIBC__) && !defined(__ARM_EABI_UNWINDER__)
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

// The link map of the libstdc++ this process runs: the loaded libstdc++.so.6, else the object
// that defines std::terminate (a host with libstdc++ linked in statically).
const link_map* libstdcxx_map() {
  link_map* map = nullptr;
  if (void* library = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD)) {
    const bool found = dlinfo(library, RTLD_DI_LINKMAP, &map) == 0;
    dlclose(library);  // RTLD_NOLOAD took a reference; its users keep it loaded
    if (found && map != nullptr) return map;
  }
  Dl_info info;
  map = nullptr;
  if (dladdr1(reinterpret_cast<void*>(&std::terminate), &info, reinterpret_cast<void**>(&map),
              RTLD_DL_LINKMAP) == 0)
    return nullptr;
  return map;
}

// What `map`'s slot for `name` holds: its PLT slot (DT_JMPREL), or its GOT slot in the other
// relocations (a library built with -fno-plt); nullptr when there is none.
void* bound_slot(const link_map* map, const char* name) {
  ElfW(Addr) jmprel = 0, rel = 0, symtab = 0, strtab = 0, plt_kind = 0;
  std::size_t jmprel_bytes = 0, rel_bytes = 0;
  bool rela = false;
  for (const ElfW(Dyn)* entry = map->l_ld; entry->d_tag != DT_NULL; ++entry) {
    switch (entry->d_tag) {
      case DT_JMPREL: jmprel = entry->d_un.d_ptr; break;
      case DT_PLTRELSZ: jmprel_bytes = entry->d_un.d_val; break;
      case DT_PLTREL: plt_kind = entry->d_un.d_val; break;
      case DT_RELA: rel = entry->d_un.d_ptr; rela = true; break;
      case DT_RELASZ: rel_bytes = entry->d_un.d_val; break;
      case DT_REL: rel = entry->d_un.d_ptr; break;
      case DT_RELSZ: rel_bytes = entry->d_un.d_val; break;
      case DT_SYMTAB: symtab = entry->d_un.d_ptr; break;
      case DT_STRTAB: strtab = entry->d_un.d_ptr; break;
      default: break;
    }
  }
  if (symtab == 0 || strtab == 0) return nullptr;
  const auto* symbols = dynamic_pointer<ElfW(Sym)>(map, symtab);
  const auto* strings = dynamic_pointer<char>(map, strtab);
  void* value = nullptr;
  if (jmprel != 0 && jmprel_bytes != 0)
    value = plt_kind == DT_RELA
                ? slot_value(map, dynamic_pointer<ElfW(Rela)>(map, jmprel), jmprel_bytes, symbols, strings, name)
                : slot_value(map, dynamic_pointer<ElfW(Rel)>(map, jmprel), jmprel_bytes, symbols, strings, name);
  if (value == nullptr && rel != 0 && rel_bytes != 0)
    value = rela ? slot_value(map, dynamic_pointer<ElfW(Rela)>(map, rel), rel_bytes, symbols, strings, name)
                 : slot_value(map, dynamic_pointer<ElfW(Rel)>(map, rel), rel_bytes, symbols, strings, name);
  return value;
}

// _Unwind_Resume of the unwinder libstdc++'s personality routine works with; nullptr while that
// is not known.
ResumeFunction resume_of_libstdcxx_unwinder() {
  const link_map* libstdcxx = libstdcxx_map();
  if (libstdcxx == nullptr || libstdcxx->l_ld == nullptr) return nullptr;
  void* bound = bound_slot(libstdcxx, "_Unwind_GetLanguageSpecificData");
  if (bound == nullptr) return nullptr;
  Dl_info info;
  link_map* owner = nullptr;
  if (dladdr1(bound, &info, reinterpret_cast<void**>(&owner), RTLD_DL_LINKMAP) == 0 || owner == nullptr ||
      owner == libstdcxx || info.dli_fname == nullptr)
    return nullptr;  // not bound yet: the slot still points at libstdc++'s own PLT stub
  void* library = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (library == nullptr) return nullptr;
  auto* resume = reinterpret_cast<ResumeFunction>(dlsym(library, "_Unwind_Resume"));
  dlclose(library);  // RTLD_NOLOAD took a reference; the library stays loaded by its users
  // Only a resume from that very library (dlsym may have found it in one of its dependencies).
  link_map* resume_owner = nullptr;
  if (resume == nullptr ||
      dladdr1(reinterpret_cast<void*>(resume), &info, reinterpret_cast<void**>(&resume_owner), RTLD_DL_LINKMAP) == 0 ||
      resume_owner != owner)
    return nullptr;
  return resume;
}

ResumeFunction resume_function() {
  if (ResumeFunction known = cached_resume.load(std::memory_order_acquire)) return known;
  if (ResumeFunction found = resume_of_libstdcxx_unwinder()) {
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

#endif  // __GLIBC__ && !__ARM_EABI_UNWINDER__
