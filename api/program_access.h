// Programs that compileSource and loadBytecode made, and so verified: Isolate::load verifies
// only programs built by hand. Shared by the API's runtime part and its compiler part.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nuri/nuri.h"

namespace nuri {

struct ProgramAccess {
  static Program verified(std::shared_ptr<const Module> module) {
    Program p(std::move(module));
    p.verified_ = true;
    return p;
  }
  static bool isVerified(const Program& p) { return p.verified_; }
};

// Reads and verifies .nbc bytes (loadBytecode's work); `name` goes in error messages.
Result<Program> loadBytecodeBytes(const uint8_t* bytes, size_t size, const std::string& name);

} // namespace nuri
