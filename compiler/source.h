// A source file held in memory, with line lookup for diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nuri {

struct SourcePos {
  uint32_t line = 0;   // 1-based
  uint32_t column = 0; // 1-based, in code points
  uint32_t file = 0;   // index of the file in its Diagnostics
};

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
