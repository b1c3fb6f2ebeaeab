// Compile errors, collected in source order and rendered as `FILE:LINE:COL: error: MESSAGE`
// followed by the source line and a caret.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source.h"

namespace nuri {

struct Diagnostic {
  SourcePos pos;
  std::string message;
  // Another line of the same file that the message mentions ("opened at line 3"), inserted at
  // byte `mentionAt` of `message`. Kept apart so that it is named as the file's lines are named.
  std::optional<SourcePos> mention;
  size_t mentionAt = 0;

  // The message with its mention as `line N`, or as `name(N)` when given.
  std::string text(const std::function<std::string(uint32_t line)>& name = {}) const;
};

// The message `before` + "line N" + `after`, with the line kept apart as a mention.
Diagnostic mentioning(SourcePos pos, std::string before, SourcePos line, std::string after = "");

// How diagnostics name the lines of one file, for a host that compiles text stitched together
// from pieces (an interactive prompt): `location` replaces `FILE:LINE` before a message (the
// column follows), `mention` replaces `line N` inside one. Either may be empty.
struct LineLabels {
  std::function<std::string(uint32_t line)> location;
  std::function<std::string(uint32_t line)> mention;
};

// Errors of one compilation, which may span several files (a program and its imports).
class Diagnostics {
public:
  explicit Diagnostics(const SourceFile& file) { files_.push_back(&file); }
  // The index positions use for `file` (added if new).
  uint32_t fileIndex(const SourceFile& file);
  void error(SourcePos pos, std::string message) {
    error(Diagnostic{pos, std::move(message), {}, 0});
  }
  void error(Diagnostic diagnostic);
  // Positions in the shared prelude (file kPreludeFile) are reported as file `file`.
  void setPreludeFile(uint32_t file) { preludeFile_ = file; }
  // Names the lines of file `file` with `labels` when rendering.
  void labelLines(uint32_t file, LineLabels labels);
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
  uint32_t labelledFile_ = UINT32_MAX;
  uint32_t preludeFile_ = kPreludeFile;
  LineLabels labels_;
  bool truncated_ = false;
};

} // namespace nuri
