// What a Runtime keeps for the isolates it makes: the programs of the snapshots it restored,
// verified once and shared by every clone.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vm/bytecode/module.h"

namespace nuri {

struct LinkedCode;

// A verified program, the .nbc bytes it was read from, and its linked code, shared by every
// clone restored from them.
struct ProgramImage {
  std::shared_ptr<const Module> module;
  std::shared_ptr<const std::vector<uint8_t>> bytecode;
  std::shared_ptr<const LinkedCode> code;
};

struct RuntimeState {
  // The image of `bytecode`: the one already verified when the same bytes (compared in full)
  // were seen before, else read and verified now. Null with `error` set when they fail.
  std::shared_ptr<const ProgramImage> program(std::span<const uint8_t> bytecode,
                                              std::string& error);

private:
  std::mutex mutex_;
  // Keyed by the bytes themselves (views into each image's own copy).
  std::unordered_map<std::string_view, std::shared_ptr<const ProgramImage>> programs_;
  uint64_t cachedBytes_ = 0;
  // Past this many programs, or bytes of their bytecode, the cache starts again. A verified and
  // linked program takes several times its bytecode's size, so both stay modest: a host that
  // restores clones of a few templates keeps them all, one that restores ever new programs does
  // not grow without end.
  static constexpr size_t kMaxCachedPrograms = 64;
  static constexpr uint64_t kMaxCachedBytes = 32u << 20;
};

} // namespace nuri
