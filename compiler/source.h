// A source file held in memory, with line lookup for diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nuri {

// The largest source file the compiler accepts. Positions and line starts are 32-bit offsets, so
// the bound must stay below 4 GB; it is far lower because compiling dense code takes about 200
// bytes of memory per byte of source. 16 MB is still room for a generated table or a 10 MB
// string literal (the largest string constant bytecode holds is 16 MB too).
constexpr uint32_t kMaxSourceBytes = 16u << 20;

struct SourcePos {
  uint32_t line = 0;   // 1-based
  uint32_t column = 0; // 1-based, in code points
  uint32_t file = 0;   // index of the file in its Diagnostics, or kPreludeFile
};

// The file of positions in the prelude's syntax trees, which every compilation in a process
// shares (compiler/shared_prelude.h). Each compilation numbers the prelude after its other
// files; Diagnostics and the code generator put that number in place of this one.
constexpr uint32_t kPreludeFile = UINT32_MAX;

class SourceFile {
public:
  SourceFile(std::string name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // The text of line `line` (1-based) without its line terminator.
  std::string_view lineText(uint32_t line) const;
  uint32_t lineCount() const { return static_cast<uint32_t>(lineStarts_.size()); }

private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> lineStarts_;
};

} // namespace nuri
