// Files: File.read, lines, write, append, exists, list and delete, under the grants of the
// isolate's configuration (IsolateConfig::readableDirectories and writableDirectories; the nuri
// command's --allow-read and --allow-write).
//
// A path is matched to a granted directory by its text (made absolute and with `.` and `..`
// taken away), then opened relative to that directory with openBeneath, which refuses every way
// out of it (a symbolic link, a magic link of /proc, a directory swapped as it is resolved).
// Each operation opens and closes its file within the call, so no file is ever open where the
// guest can suspend: a read stopped by a suspension is abandoned and runs again on resume.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "classlib/natives.h"
#include "support/open_beneath.h"
#include "support/utf8.h"

namespace nuri {

namespace {

enum class Access { Read, Write };

// Bytes read or written per system call, between which the limits are checked.
constexpr size_t kFileStep = 1u << 20;

class Descriptor {
public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  Descriptor& operator=(Descriptor&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }
  // Hands the descriptor over (to fdopendir, which closes it).
  int release() { return std::exchange(fd_, -1); }

private:
  int fd_;
};

// `path` made absolute (against the working directory) with empty components, `.` and `..`
// taken away by their text. False when the working directory cannot be read.
bool absoluteNormal(std::string_view path, std::string& out) {
  std::string whole;
  if (path.empty() || path[0] != '/') {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return false;
    whole = cwd;
    whole += '/';
  }
  whole += path;
  std::vector<std::string_view> parts;
  std::string_view rest = whole;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  out.clear();
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  if (out.empty()) out.push_back('/'); // the root
  return true;
}

// The part of `path` below `directory` (both absolute and normal), or false when it is not
// below it; "" for the directory itself.
bool below(const std::string& directory, const std::string& path, std::string& relative) {
  if (directory == "/") {
    relative = path.substr(1);
    return true;
  }
  if (path == directory) {
    relative.clear();
    return true;
  }
  if (path.size() > directory.size() && path.starts_with(directory) &&
      path[directory.size()] == '/') {
    relative = path.substr(directory.size() + 1);
    return true;
  }
  return false;
}

// What a file operation works on: the granted directory open, and the path below it.
struct GrantedPath {
  Descriptor root;
  std::string relative; // "" for the directory itself
};

class FileOperation {
public:
  // `verb` as the IOError says it: "read", "write", "append to", "check", "list", "delete".
  FileOperation(IsolateState& I, StringObject* path, Access access, const char* verb)
      : I_(I), path_(path->view()), access_(access), verb_(verb) {}

  // Finds the grant that covers the path and opens its directory. False with SecurityError,
  // ValueError or IOError raised.
  bool resolve(GrantedPath& out) {
    if (path_.empty()) return I_.raise(ErrorClass::ValueError, "the path is empty");
    if (path_.find('\0') != std::string_view::npos)
      return I_.raise(ErrorClass::ValueError, "a path cannot contain a NUL character");
    // The system takes no longer path; refusing it first keeps a huge one from being split.
    if (path_.size() >= PATH_MAX) return failed(ENAMETOOLONG);
    std::string target;
    if (!absoluteNormal(path_, target)) return failed(errno);
    const auto& grants =
        access_ == Access::Read ? I_.config.readableDirectories : I_.config.writableDirectories;
    for (const std::string& grant : grants) {
      // The grant as named, then as its real path (the path may name it either way).
      std::string named, real;
      if (grant.empty() || !absoluteNormal(grant, named)) continue;
      const std::string* directory = &named;
      if (!below(named, target, out.relative)) {
        char resolved[PATH_MAX];
        if (!realpath(named.c_str(), resolved) || !absoluteNormal(resolved, real) ||
            !below(real, target, out.relative))
          continue;
        directory = &real;
      }
      // A final slash says the path names a directory, as open(2) takes it.
      if (path_.ends_with('/') && !out.relative.empty()) out.relative += '/';
      grant_ = grant;
      out.root = Descriptor(open(directory->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (out.root.get() < 0) return failed(errno);
      return true;
    }
    return notGranted();
  }

  // Raises the error for `error` (an errno): SecurityError when the path led out of its
  // grant, IOError with the system's reason otherwise. Returns false.
  bool failed(int error) {
    if (error == EXDEV) {
      return I_.raise(ErrorClass::SecurityError, std::string(accessName()) + " access to " +
                                                     shown() + " is not granted: it leads out of " +
                                                     grant_);
    }
    return I_.raise(ErrorClass::IOError,
                    std::string("cannot ") + verb_ + " " + shown() + ": " + std::strerror(error));
  }
  bool failedWith(const std::string& reason) {
    return I_.raise(ErrorClass::IOError,
                    std::string("cannot ") + verb_ + " " + shown() + ": " + reason);
  }
  // `why`, when given, follows the message (and the nuri command then adds no option to it).
  bool notGranted(const char* why = nullptr) {
    return I_.raise(ErrorClass::SecurityError, std::string(accessName()) + " access to " + shown() +
                                                   " is not granted" +
                                                   (why ? std::string(": ") + why : ""));
  }

private:
  const char* accessName() const { return access_ == Access::Read ? "read" : "write"; }
  std::string shown() const {
    constexpr size_t kShown = 200;
    return path_.size() <= kShown ? std::string(path_)
                                  : std::string(path_.substr(0, kShown)) + "...";
  }

  IsolateState& I_;
  std::string_view path_;
  Access access_;
  const char* verb_;
  std::string grant_; // the directory the path was found under, as granted
};

// Bytes counted towards the heap limit (IsolateState::reserve) until the end of the scope.
class Reservation {
public:
  explicit Reservation(IsolateState& I) : I_(I) {}
  ~Reservation() { I_.release(bytes_); }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  // False with LimitError raised when they do not fit.
  bool add(uint64_t bytes) {
    if (!I_.reserve(bytes)) return false;
    bytes_ += bytes;
    return true;
  }

private:
  IsolateState& I_;
  uint64_t bytes_ = 0;
};

// Opens the operation's path for `flags`; a descriptor, or -1 with the error raised.
int openGranted(FileOperation& op, int flags, Descriptor& file) {
  GrantedPath granted;
  if (!op.resolve(granted)) return -1;
  int fd = openBeneath(granted.root.get(), granted.relative, flags, 0666);
  if (fd < 0) return op.failed(-fd), -1;
  file = Descriptor(fd);
  return fd;
}

// Reads the rest of `fd` onto the end of `text`, counting what it holds towards the heap limit
// (`reserved` bytes so far). False with an error raised.
bool readRest(IsolateState& I, FileOperation& op, int fd, std::string& text,
              Reservation& reserved) {
  for (;;) {
    if (text.size() >= kMaxStringBytes) return op.failedWith("the file is larger than 2 GB");
    if (!reserved.add(kFileStep)) return false;
    size_t had = text.size();
    text.resize(had + kFileStep);
    ssize_t n = read(fd, text.data() + had, kFileStep);
    if (n < 0 && errno == EINTR) n = 0;
    if (n < 0) return op.failed(errno);
    text.resize(had + size_t(n));
    if (n == 0) return true;
    if (!I.nativeProgress(uint64_t(n))) return false;
  }
}

// The whole file as a string: read straight into the string when the file says its size (so a
// 100 MB file takes 100 MB), through a growing buffer when it does not or grows (/proc files).
StringObject* readWhole(IsolateState& I, FileOperation& op) {
  Descriptor file;
  int fd = openGranted(op, O_RDONLY | O_NONBLOCK, file);
  if (fd < 0) return nullptr;
  struct stat info;
  if (fstat(fd, &info) != 0) return op.failed(errno), nullptr;
  if (S_ISDIR(info.st_mode)) return op.failed(EISDIR), nullptr;
  // O_NONBLOCK only kept open() from waiting for a FIFO's writer.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  uint64_t size = S_ISREG(info.st_mode) ? uint64_t(info.st_size) : 0;
  if (size >= kMaxStringBytes) return op.failedWith("the file is larger than 2 GB"), nullptr;
  StringObject* s = I.newStringBuffer(size_t(size), 0);
  if (!s) return nullptr;
  TemporaryRoot root(I, &s);
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, s->bytes + got, std::min<size_t>(kFileStep, size - got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return op.failed(errno), nullptr;
    if (n == 0) break; // the file shrank
    got += size_t(n);
    if (!I.nativeProgress(uint64_t(n))) return nullptr;
  }
  std::string more;
  Reservation reserved(I);
  if (!readRest(I, op, fd, more, reserved)) return nullptr;
  if (!more.empty()) {
    more.insert(0, s->bytes, got);
    s = I.newStringBuffer(more.size(), 0);
    if (!s || !I.copyInSteps(s->bytes, more.data(), more.size())) return nullptr;
    got = more.size();
  }
  s->byteLength = uint32_t(got);
  s->bytes[got] = '\0';
  size_t bad = 0;
  if (!isValidUtf8(s->view(), &bad)) {
    return op.failedWith("the file is not valid UTF-8 (byte " + std::to_string(bad + 1) + ")"),
           nullptr;
  }
  s->codePointLength = countCodePoints(s->view());
  I.chargeWork(got);
  return s;
}

// Writes `text` to the path opened with `flags` (created when missing).
bool writeWhole(IsolateState& I, FileOperation& op, StringObject* text, int flags) {
  Descriptor file;
  int fd = openGranted(op, O_WRONLY | O_CREAT | flags, file);
  if (fd < 0) return false;
  std::string_view bytes = text->view();
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), std::min(bytes.size(), kFileStep));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return op.failed(errno);
    bytes.remove_prefix(size_t(n));
    // What is written stays written: a suspension due waits for the next suspension point.
    if (!I.nativeProgress(uint64_t(n), CheckSite::AfterHostCall)) return false;
  }
  if (close(file.release()) != 0) return op.failed(errno); // NFS reports here
  return true;
}

// The entries of an open directory (not `.` or `..`), sorted by their bytes.
bool directoryNames(IsolateState& I, FileOperation& op, Descriptor& dir,
                    std::vector<std::string>& names, Reservation& reserved) {
  DIR* stream = fdopendir(dir.get());
  if (!stream) return op.failed(errno);
  dir.release();
  struct Closer {
    DIR* stream;
    ~Closer() { closedir(stream); }
  } closer{stream};
  for (;;) {
    errno = 0;
    dirent* entry = readdir(stream);
    if (!entry) {
      if (errno) return op.failed(errno);
      break;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (!isValidUtf8(name)) return op.failedWith("the name of an entry is not valid UTF-8");
    uint64_t cost = name.size() + sizeof(std::string);
    if (!reserved.add(cost)) return false;
    names.emplace_back(name);
    if (!I.nativeProgress(cost)) return false;
  }
  std::sort(names.begin(), names.end());
  return true;
}

} // namespace

// File.read(path): the whole file as text.
NATIVE_FUNCTION(file_read) {
  FileOperation op(I, args.get<0>(), Access::Read, "read");
  return out.set(readWhole(I, op));
}

// File.lines(path): the file's lines without their endings, as string.lines() splits them.
NATIVE_FUNCTION(file_lines) {
  FileOperation op(I, args.get<0>(), Access::Read, "read");
  StringObject* text = readWhole(I, op);
  if (!text) return false;
  TemporaryRoot root(I, &text);
  return out.set(linesOf(I, text));
}

// File.write(path, text): the file holds `text` and nothing else.
NATIVE_FUNCTION(file_write) {
  FileOperation op(I, args.get<0>(), Access::Write, "write");
  return writeWhole(I, op, args.get<1>(), O_TRUNC);
}

// File.append(path, text): `text` added at the end of the file.
NATIVE_FUNCTION(file_append) {
  FileOperation op(I, args.get<0>(), Access::Write, "append to");
  return writeWhole(I, op, args.get<1>(), O_APPEND);
}

// File.exists(path): whether there is a file or directory at the path (which must be granted).
NATIVE_FUNCTION(file_exists) {
  FileOperation op(I, args.get<0>(), Access::Read, "check");
  GrantedPath granted;
  if (!op.resolve(granted)) return false;
  int fd = openBeneath(granted.root.get(), granted.relative, O_PATH);
  if (fd >= 0) {
    close(fd);
    return out.set(true);
  }
  if (fd == -ENOENT || fd == -ENOTDIR) return out.set(false);
  return op.failed(-fd);
}

// File.list(dir): the names in a directory, sorted.
NATIVE_FUNCTION(file_list) {
  FileOperation op(I, args.get<0>(), Access::Read, "list");
  Descriptor dir;
  if (openGranted(op, O_RDONLY | O_DIRECTORY, dir) < 0) return false;
  std::vector<std::string> names;
  Reservation reserved(I);
  if (!directoryNames(I, op, dir, names, reserved)) return false;
  ArrayObject* a = I.newArray(&I.stringArrayType, int64_t(names.size()));
  if (!a) return false;
  TemporaryRoot root(I, &a);
  for (size_t i = 0; i < names.size(); i++) {
    StringObject* name = I.newString(names[i]);
    if (!name) return false;
    a->elements[i].p = name;
  }
  return out.set(a);
}

// File.delete(path): removes a file, or an empty directory.
NATIVE_FUNCTION(file_delete) {
  FileOperation op(I, args.get<0>(), Access::Write, "delete");
  GrantedPath granted;
  if (!op.resolve(granted)) return false;
  // The granted directory itself is an entry of a directory that is not granted.
  if (granted.relative.empty())
    return op.notGranted("deleting a granted directory needs a grant of the one holding it");
  if (granted.relative.ends_with('/')) granted.relative.pop_back(); // "dir/" deletes dir
  size_t slash = granted.relative.rfind('/');
  std::string parent = slash == std::string::npos ? "" : granted.relative.substr(0, slash);
  std::string name = granted.relative.substr(slash == std::string::npos ? 0 : slash + 1);
  int fd = openBeneath(granted.root.get(), parent, O_PATH | O_DIRECTORY);
  if (fd < 0) return op.failed(-fd);
  Descriptor dir(fd);
  if (unlinkat(fd, name.c_str(), 0) == 0) return true;
  if (errno == EISDIR && unlinkat(fd, name.c_str(), AT_REMOVEDIR) == 0) return true;
  return op.failed(errno);
}

} // namespace nuri
