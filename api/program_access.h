// Programs that compileSource and loadBytecode made, and so verified: Isolate::load verifies
// only programs built by hand. Shared by the API's runtime part and its compiler part.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "nuri/nuri.h"

namespace nuri {

struct LinkedCode;

// The isolate-independent linked code of a Program, made by the first load and shared by every
// isolate that loads it (and by copies of the Program).
struct ProgramLinkCache {
  std::mutex mutex;
  std::shared_ptr<const LinkedCode> code;
  std::string error; // why the program could not be linked
};

struct ProgramAccess {
  // The program's linked code, linked on first use; null with `error` set if it cannot be.
  static std::shared_ptr<const LinkedCode> linkedCode(const Program& program, std::string& error);
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
