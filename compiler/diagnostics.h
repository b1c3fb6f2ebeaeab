// Compile errors, collected in source order and rendered as `FILE:LINE:COL: error: MESSAGE`
// followed by the source line and a caret.
#pragma once

#include <string>
#include <vector>

#include "compiler/source.h"

namespace nuri {

struct Diagnostic {
  SourcePos pos;
  std::string message;
};

// Errors of one compilation, which may span several files (a program and its imports).
class Diagnostics {
public:
  explicit Diagnostics(const SourceFile& file) { files_.push_back(&file); }
  // The index positions use for `file` (added if new).
  uint32_t fileIndex(const SourceFile& file);
  void error(SourcePos pos, std::string message);
  bool hasErrors() const { return !list_.empty(); }
  size_t count() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // All diagnostics, sorted by position, rendered for a terminal.
  std::string render() const;
  // Stop collecting after this many (a file of garbage would otherwise report millions).
  static constexpr size_t kMaxErrors = 100;

private:
  std::vector<const SourceFile*> files_;
  std::vector<Diagnostic> list_;
  bool truncated_ = false;
};

} // namespace nuri
