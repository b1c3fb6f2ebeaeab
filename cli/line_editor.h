// Reading lines for the interactive prompt: editing keys and history on a terminal, plain
// lines from a pipe or file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nuri::cli {

// What a key does to the line being edited. Decoded from the terminal's bytes by KeyDecoder.
enum class Key {
  Text,       // insert the text that came with it
  Enter,      // accept the line
  Backspace,  // delete the code point before the cursor
  Delete,     // delete the code point under the cursor
  Left,       // move one code point left
  Right,      // move one code point right
  Home,       // move to the start of the line
  End,        // move to the end of the line
  Up,         // previous history entry
  Down,       // next history entry
  KillToEnd,  // Ctrl-K: delete from the cursor to the end
  KillToHome, // Ctrl-U: delete from the start to the cursor
  KillWord,   // Ctrl-W: delete the word before the cursor
  Interrupt,  // Ctrl-C: abandon the line
  EndOfInput, // Ctrl-D on an empty line
  ClearScreen,
  Ignore,
};

struct KeyPress {
  Key key = Key::Ignore;
  std::string text; // for Key::Text
};

// Turns terminal input bytes into key presses (UTF-8 text, control keys, ANSI escape
// sequences for arrows, Home, End and Delete). Feed bytes one at a time.
class KeyDecoder {
public:
  // Returns a key once a whole one has arrived.
  std::optional<KeyPress> feed(unsigned char byte);

private:
  std::string pending_; // an escape sequence or a UTF-8 sequence not yet complete
};

// The line being edited and the history; no terminal involved, so it can be tested alone.
class EditBuffer {
public:
  explicit EditBuffer(const std::vector<std::string>* history = nullptr) : history_(history) {}

  // Applies a key. Returns false for keys that end editing (Enter, Interrupt, EndOfInput).
  bool apply(const KeyPress& press);

  const std::string& text() const { return text_; }
  size_t cursor() const { return cursor_; } // a byte offset at a code point boundary
  // Code points between the cursor and the end, for placing the terminal's cursor.
  size_t codePointsAfterCursor() const;
  size_t codePointsBeforeCursor() const;

private:
  size_t previousBoundary(size_t at) const;
  size_t nextBoundary(size_t at) const;
  void showHistory(size_t index);

  std::string text_;
  size_t cursor_ = 0;
  const std::vector<std::string>* history_;
  size_t historyIndex_ = SIZE_MAX; // SIZE_MAX: editing a new line, not a history entry
  std::string draft_;              // the new line, kept while browsing the history
};

// Reads lines with a prompt. On a terminal, keys edit the line and Up/Down walk the history;
// otherwise lines are read as they are and no prompt is shown.
class LineReader {
public:
  // Lines longer than `maxLineBytes` are not read (see tooLong()).
  explicit LineReader(size_t maxLineBytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool interactive() const { return interactive_; }
  // The next line without its newline, or nothing at the end of input. Ctrl-C gives an empty
  // line and sets interrupted().
  std::optional<std::string> readLine(std::string_view prompt);
  bool interrupted() const { return interrupted_; }
  // The input held a line longer than the limit: readLine gave nothing and read no further.
  bool tooLong() const { return tooLong_; }

  void addHistory(const std::string& line);
  // Loads and saves the history (one entry a line), e.g. ~/.nuri_history. The file holds at most
  // kMaxHistoryBytes: saving keeps the newest entries that fit, and loading a larger file gives
  // an error message and no history.
  static constexpr size_t kMaxHistoryBytes = 1u << 20;
  std::string loadHistory(const std::string& path);
  void saveHistory(const std::string& path) const;

private:
  std::optional<std::string> readRaw(std::string_view prompt);
  void refresh(std::string_view prompt, const EditBuffer& buffer) const;

  size_t maxLineBytes_;
  bool interactive_ = false;
  bool interrupted_ = false;
  bool tooLong_ = false;
  std::vector<std::string> history_;
};

} // namespace nuri::cli
