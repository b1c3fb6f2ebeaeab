// Making strings, shared by the interpreter and the natives (numbers: support/number_format.h).
#pragma once

#include <cstdint>
#include <string>

#include "vm/isolate.h"

namespace nuri {

// Concatenation; a null operand reads as "null".
StringObject* concatStrings(IsolateState& isolate, StringObject* a, StringObject* b);

// Text that a native builds before it becomes a string object. Its bytes count towards the heap
// limit while it exists (IsolateState::reserve) and its work towards fuel and time; it stops at
// the longest string there may be. Each call returns false with an error raised when a limit
// is hit.
class TextBuilder {
public:
  explicit TextBuilder(IsolateState& isolate) : isolate_(isolate) {}
  ~TextBuilder() { isolate_.release(reserved_); }
  TextBuilder(const TextBuilder&) = delete;
  TextBuilder& operator=(const TextBuilder&) = delete;

  bool append(std::string_view text);
  bool append(char c) { return append(std::string_view(&c, 1)); }
  IsolateState& isolate() const { return isolate_; }
  // The text as a new string (null with an error raised).
  StringObject* finish();

private:
  // Makes room for `bytes` more, growing the reservation geometrically.
  bool reserve(uint64_t bytes);

  IsolateState& isolate_;
  std::string text_;
  uint64_t reserved_ = 0; // bytes reported to the isolate
};

} // namespace nuri
