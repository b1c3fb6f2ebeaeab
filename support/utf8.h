// UTF-8 text: checking it, counting its code points and encoding one. The compiler, the bytecode
// reader and the VM's strings share these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nuri {

// Number of code points in valid UTF-8 text.
uint32_t countCodePoints(std::string_view utf8);
// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool isValidUtf8(std::string_view text, size_t* errorOffset = nullptr);
// Appends the UTF-8 encoding of `cp` to `out`.
void appendUtf8(std::string& out, uint32_t cp);

} // namespace nuri
