#include "support/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nuri {

ReadOutcome readFileUpTo(const std::string& path, uint64_t limit, std::string& out) {
  out.clear();
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return {ReadStatus::Unreadable, std::strerror(errno)};
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return {ReadStatus::Unreadable, std::strerror(error)};
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return {ReadStatus::Unreadable, "it is a directory"};
  }
  // A regular file says its size up front; anything else is only known by reading it.
  if (S_ISREG(info.st_mode)) {
    if (uint64_t(info.st_size) > limit) {
      ::close(fd);
      return {ReadStatus::TooLarge, {}};
    }
    out.reserve(size_t(info.st_size));
  }
  char chunk[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      out.clear();
      return {ReadStatus::Unreadable, std::strerror(error)};
    }
    if (n == 0) break;
    if (out.size() + size_t(n) > limit) { // one byte over is enough to know
      ::close(fd);
      out.clear();
      out.shrink_to_fit();
      return {ReadStatus::TooLarge, {}};
    }
    out.append(chunk, size_t(n));
  }
  ::close(fd);
  return {};
}

std::string describeLimit(uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KB";
  return std::to_string(bytes) + " bytes";
}

} // namespace nuri
