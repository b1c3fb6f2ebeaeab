// Opening a path inside a directory so that nothing escapes it: not `..`, not a symbolic link
// pointing out (absolute or relative), not a magic link of /proc, not a directory swapped for a
// symbolic link while the path is being resolved. The guest file access of the class library
// (classlib/files.cpp) opens everything through it.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace nuri {

// How the path is resolved: by the kernel (openat2 with RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS, Linux 5.6 and later), or component by component here (openat with
// O_NOFOLLOW, symbolic links read and followed by hand, none allowed to climb above the
// directory). Auto takes the kernel's where it has openat2.
enum class BeneathMethod { Auto, Kernel, UserSpace };

// Opens `path`, relative to the directory open as `root` (an O_PATH or O_RDONLY descriptor),
// with open(2)'s `flags` and `mode`, resolving every component beneath `root`. An empty path
// or "." is `root` itself. Returns the new descriptor (O_CLOEXEC), or -errno: -EXDEV when the
// path leads out of `root` (an absolute path, `..` above it, a symbolic link out), -ELOOP for
// a magic link or too many symbolic links, and open's own errors otherwise.
int openBeneath(int root, std::string_view path, int flags, mode_t mode = 0,
                BeneathMethod method = BeneathMethod::Auto);

// Whether the kernel resolves beneath a directory itself (openat2 is there and allowed).
bool kernelOpensBeneath();

} // namespace nuri
