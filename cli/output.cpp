#include "cli/output.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace nuri::cli {

namespace {
bool closed = false;
}

void ignoreBrokenPipes() { std::signal(SIGPIPE, SIG_IGN); }

bool writeOutput(std::string_view text) {
  if (closed) return false;
  std::cout.flush(); // std::cout writes through stdout too; keep the order
  bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  ok = std::fflush(stdout) == 0 && ok;
  if (!ok && errno == EPIPE) closed = true;
  return !closed;
}

bool outputClosed() { return closed; }

} // namespace nuri::cli
