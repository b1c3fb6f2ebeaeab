#include "compiler/diagnostics.h"

#include <algorithm>

#include "support/utf8.h"

namespace nuri {

uint32_t Diagnostics::fileIndex(const SourceFile& file) {
  for (size_t i = 0; i < files_.size(); i++)
    if (files_[i] == &file) return uint32_t(i);
  files_.push_back(&file);
  return uint32_t(files_.size() - 1);
}

std::string Diagnostic::text(const std::function<std::string(uint32_t line)>& name) const {
  if (!mention) return message;
  std::string line = name ? name(mention->line) : "line " + std::to_string(mention->line);
  return message.substr(0, mentionAt) + line + message.substr(mentionAt);
}

Diagnostic mentioning(SourcePos pos, std::string before, SourcePos line, std::string after) {
  size_t at = before.size();
  return Diagnostic{pos, std::move(before) + after, line, at};
}

void Diagnostics::error(Diagnostic diagnostic) {
  if (diagnostic.pos.file == kPreludeFile) diagnostic.pos.file = preludeFile_;
  if (diagnostic.mention && diagnostic.mention->file == kPreludeFile) {
    diagnostic.mention->file = preludeFile_;
  }
  if (list_.size() >= kMaxErrors) {
    truncated_ = true;
    return;
  }
  for (const Diagnostic& d : list_) {
    if (d.pos.line == diagnostic.pos.line && d.pos.column == diagnostic.pos.column &&
        d.pos.file == diagnostic.pos.file && d.text() == diagnostic.text()) {
      return;
    }
  }
  list_.push_back(std::move(diagnostic));
}

void Diagnostics::labelLines(uint32_t file, LineLabels labels) {
  labelledFile_ = file;
  labels_ = std::move(labels);
}

namespace {

// Shows at most this many code points of a long line, centred on the caret.
constexpr uint32_t kShownWidth = 160;

// Byte offset of code point `column` (1-based) in `line`.
size_t byteOffsetOfColumn(std::string_view line, uint32_t column) {
  size_t i = 0;
  for (uint32_t c = 1; c < column && i < line.size(); c++) {
    i++;
    while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80)
      i++;
  }
  return i;
}

// The line as shown under a diagnostic: tabs become spaces (so the caret lines up), control
// characters and bytes that are not valid UTF-8 become `?`.
std::string sanitize(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += (c == '\t') ? ' ' : (c < 0x20 || c == 0x7F) ? '?' : char(c);
      i++;
      continue;
    }
    size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    std::string_view sequence = text.substr(i, length);
    if (sequence.size() == length && length > 1 && isValidUtf8(sequence)) {
      out += sequence;
      i += length;
    } else {
      out += '?';
      i++;
    }
  }
  return out;
}

} // namespace

std::string Diagnostics::render() const {
  std::vector<Diagnostic> sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.file != b.pos.file) return a.pos.file < b.pos.file;
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
  std::string out;
  for (const Diagnostic& d : sorted) {
    const SourceFile& file = *files_[d.pos.file < files_.size() ? d.pos.file : 0];
    bool labelled = d.pos.file == labelledFile_;
    std::string where = labelled && labels_.location
                            ? labels_.location(d.pos.line)
                            : file.name() + ":" + std::to_string(d.pos.line);
    std::string message = d.text(labelled ? labels_.mention : nullptr);
    if (d.pos.column == 0) { // a whole line (the compiler's own errors know no column)
      out += where + ": error: " + message + "\n";
      out += "  " + sanitize(file.lineText(d.pos.line).substr(0, kShownWidth)) + "\n";
      continue;
    }
    out += where + ":" + std::to_string(d.pos.column) + ": error: " + message + "\n";
    std::string_view line = file.lineText(d.pos.line);
    uint32_t firstColumn = 1;
    if (d.pos.column > kShownWidth / 2) firstColumn = d.pos.column - kShownWidth / 2;
    size_t from = byteOffsetOfColumn(line, firstColumn);
    size_t to = from + byteOffsetOfColumn(line.substr(from), kShownWidth + 1);
    std::string shown = sanitize(line.substr(from, to - from));
    out += "  " + shown + "\n";
    out += "  " + std::string(d.pos.column - firstColumn, ' ') + "^\n";
  }
  if (truncated_) out += "too many errors; stopped after " + std::to_string(kMaxErrors) + "\n";
  return out;
}

} // namespace nuri
