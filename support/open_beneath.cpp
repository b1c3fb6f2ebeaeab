#include "support/open_beneath.h"

#include <atomic>
#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace nuri {

namespace {

constexpr int kMaxSymbolicLinks = 40; // as the kernel's own limit

int openByKernel(int root, std::string_view path, int flags, mode_t mode) {
  std::string name = path.empty() ? std::string(".") : std::string(path);
  open_how how{};
  how.flags = uint64_t(flags | O_CLOEXEC);
  // openat2 refuses a mode the flags do not use (O_TMPFILE's bits include O_DIRECTORY's).
  bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: a rename elsewhere raced with the resolution of `..`; the kernel asks to retry.
  for (int attempt = 0; attempt < 16; attempt++) {
    long fd = syscall(SYS_openat2, root, name.c_str(), &how, sizeof how);
    if (fd >= 0) return int(fd);
    if (errno != EAGAIN && errno != EINTR) return -errno;
  }
  return -EAGAIN;
}

// Adds the components of `path` in front of `pending`, skipping empty ones and ".".
void pushComponents(std::string_view path, std::deque<std::string>& pending) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  pending.insert(pending.begin(), parts.begin(), parts.end());
}

// The directories walked into below the root, each an O_PATH descriptor this owns.
class DirectoryChain {
public:
  explicit DirectoryChain(int root) : root_(root) {}
  ~DirectoryChain() {
    for (int fd : owned_)
      close(fd);
  }
  DirectoryChain(const DirectoryChain&) = delete;
  DirectoryChain& operator=(const DirectoryChain&) = delete;

  int current() const { return owned_.empty() ? root_ : owned_.back(); }
  void enter(int fd) { owned_.push_back(fd); }
  // False at the root: `..` there would leave it.
  bool leave() {
    if (owned_.empty()) return false;
    close(owned_.back());
    owned_.pop_back();
    return true;
  }

private:
  int root_;
  std::vector<int> owned_;
};

// The target of the symbolic link `name` in `dir`, or false when it is not one (any more).
bool readLink(int dir, const std::string& name, std::string& target) {
  char buffer[4096];
  ssize_t n = readlinkat(dir, name.c_str(), buffer, sizeof buffer);
  if (n < 0 || size_t(n) >= sizeof buffer) return false;
  target.assign(buffer, size_t(n));
  return true;
}

// Resolution by hand: nothing is followed by the kernel (O_NOFOLLOW everywhere), so a
// component swapped for a symbolic link between two steps is read as a link and checked, never
// followed blindly.
int openByHand(int root, std::string_view path, int flags, mode_t mode) {
  if (!path.empty() && path[0] == '/') return -EXDEV;
  std::deque<std::string> pending;
  pushComponents(path, pending);
  DirectoryChain chain(root);
  int links = 0;
  // Follows the symbolic link `name` in the current directory: its target's components come
  // next. Returns 0, -errno, or 1 when `name` is not a link (the caller's error stands).
  auto follow = [&](const std::string& name) {
    std::string target;
    if (!readLink(chain.current(), name, target)) return 1;
    if (++links > kMaxSymbolicLinks) return -ELOOP;
    if (target.empty()) return -ENOENT;
    if (target[0] == '/') return -EXDEV;
    pushComponents(target, pending);
    return 0;
  };
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == "..") {
      if (!chain.leave()) return -EXDEV;
      continue;
    }
    // A link is followed here, by its text, even as the last component (as open(2) without
    // O_NOFOLLOW would), so that O_PATH opens what the link names, never the link.
    int followed = follow(name);
    if (followed < 0) return followed;
    if (followed == 0) continue;
    bool last = pending.empty();
    int fd =
        last ? openat(chain.current(), name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode)
             : openat(chain.current(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      if (last) return fd;
      chain.enter(fd);
      continue;
    }
    // It may have become a link since: follow it if so.
    int error = errno;
    followed = follow(name);
    if (followed == 1) return -error;
    if (followed < 0) return followed;
  }
  // The path named a directory already walked into (empty, ".", or ending in "..").
  int fd = openat(chain.current(), ".", flags | O_CLOEXEC, mode);
  return fd >= 0 ? fd : -errno;
}

} // namespace

bool kernelOpensBeneath() {
  // 0 not probed yet, 1 yes, 2 no (an old kernel, or a seccomp filter refusing the call).
  static std::atomic<int> known{0};
  int state = known.load(std::memory_order_relaxed);
  if (state == 0) {
    int fd = openByKernel(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
    if (fd >= 0) close(fd);
    state = fd >= 0 ? 1 : 2;
    known.store(state, std::memory_order_relaxed);
  }
  return state == 1;
}

int openBeneath(int root, std::string_view path, int flags, mode_t mode, BeneathMethod method) {
  if (method == BeneathMethod::Auto)
    method = kernelOpensBeneath() ? BeneathMethod::Kernel : BeneathMethod::UserSpace;
  return method == BeneathMethod::Kernel ? openByKernel(root, path, flags, mode)
                                         : openByHand(root, path, flags, mode);
}

} // namespace nuri
