#include "compiler/source.h"

namespace nuri {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (size_t i = text_.find('\n'); i != std::string::npos; i = text_.find('\n', i + 1))
    lineStarts_.push_back(uint32_t(i + 1));
}

std::string_view SourceFile::lineText(uint32_t line) const {
  if (line == 0 || line > lineStarts_.size()) return {};
  uint32_t start = lineStarts_[line - 1];
  uint32_t end = line < lineStarts_.size() ? lineStarts_[line] - 1 : uint32_t(text_.size());
  if (end > start && text_[end - 1] == '\r') end--;
  return std::string_view(text_).substr(start, end - start);
}

} // namespace nuri
