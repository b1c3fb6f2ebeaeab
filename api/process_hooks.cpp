// useProcessHooks: a guest's view of the outside world, wired to this process's own.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <random>
#include <unistd.h>

#include "nuri/nuri.h"

namespace nuri {

void useProcessHooks(IsolateConfig& config) {
  config.input = [](std::string& out, size_t maxBytes) {
    // Waits at most a tenth of a second, then returns with nothing, so that a guest waiting
    // for input still meets its timeout and its host's requests.
    pollfd input{0, POLLIN, 0};
    int ready = ::poll(&input, 1, 100);
    if (ready == 0 || (ready < 0 && errno == EINTR)) return true;
    char buffer[65536];
    ssize_t n;
    do {
      n = ::read(0, buffer, std::min(maxBytes, sizeof buffer));
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return true; // another reader took what had come
    if (n <= 0) return false;
    out.append(buffer, size_t(n));
    return true;
  };
  config.errorOutput = [](std::string_view text) {
    return std::fwrite(text.data(), 1, text.size(), stderr) == text.size();
  };
  config.environment = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  config.wallClock = [] {
    return int64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());
  };
  config.monotonicClock = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  config.randomSeed = [] {
    std::random_device device;
    return (uint64_t(device()) << 32) | device();
  };
}

} // namespace nuri
