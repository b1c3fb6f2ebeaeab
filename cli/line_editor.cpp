#include "cli/line_editor.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "support/read_file.h"

namespace nuri::cli {

namespace {

constexpr size_t kMaxHistory = 1000;

bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0; // not a lead byte
}

KeyPress key(Key k) { return KeyPress{k, {}}; }

// The key an escape sequence stands for: ESC [ X, ESC O X, ESC [ N ~ and ESC [ 1 ; M X.
KeyPress decodeEscape(const std::string& seq) {
  char final = seq.back();
  if (final == '~') {
    int n = std::atoi(seq.c_str() + 2);
    switch (n) {
    case 1:
    case 7: return key(Key::Home);
    case 4:
    case 8: return key(Key::End);
    case 3: return key(Key::Delete);
    default: return key(Key::Ignore);
    }
  }
  switch (final) {
  case 'A': return key(Key::Up);
  case 'B': return key(Key::Down);
  case 'C': return key(Key::Right);
  case 'D': return key(Key::Left);
  case 'H': return key(Key::Home);
  case 'F': return key(Key::End);
  default: return key(Key::Ignore);
  }
}

// Control keys in the style of Emacs and readline.
KeyPress decodeControl(unsigned char c) {
  switch (c) {
  case '\r':
  case '\n': return key(Key::Enter);
  case 127:
  case 8: return key(Key::Backspace);
  case 1: return key(Key::Home);  // Ctrl-A
  case 5: return key(Key::End);   // Ctrl-E
  case 2: return key(Key::Left);  // Ctrl-B
  case 6: return key(Key::Right); // Ctrl-F
  case 16: return key(Key::Up);   // Ctrl-P
  case 14: return key(Key::Down); // Ctrl-N
  case 11: return key(Key::KillToEnd);
  case 21: return key(Key::KillToHome);
  case 23: return key(Key::KillWord);
  case 3: return key(Key::Interrupt);
  case 4: return key(Key::EndOfInput);
  case 12: return key(Key::ClearScreen);
  case '\t': return KeyPress{Key::Text, "    "};
  default: return key(Key::Ignore);
  }
}

} // namespace

std::optional<KeyPress> KeyDecoder::feed(unsigned char byte) {
  if (!pending_.empty() && pending_[0] == '\x1b') {
    if (pending_.size() == 1) {
      if (byte == '[' || byte == 'O') {
        pending_ += char(byte);
        return std::nullopt;
      }
      pending_.clear(); // Alt+key and unknown sequences are ignored
      return key(Key::Ignore);
    }
    if (byte >= 0x40 && byte <= 0x7E) { // the final byte
      KeyPress press =
          pending_.size() < 16 ? decodeEscape(pending_ + char(byte)) : key(Key::Ignore);
      pending_.clear();
      return press;
    }
    if (byte >= 0x20 && byte <= 0x3F) { // parameters: digits and `;`
      if (pending_.size() < 16) pending_ += char(byte);
      return std::nullopt;
    }
    pending_.clear();             // not a sequence after all: the byte counts on its own
  } else if (!pending_.empty()) { // inside a UTF-8 sequence
    if (isContinuationByte(byte)) {
      pending_ += char(byte);
      if (pending_.size() < utf8Length(static_cast<unsigned char>(pending_[0])))
        return std::nullopt;
      KeyPress press{Key::Text, pending_};
      pending_.clear();
      return press;
    }
    pending_.clear(); // a broken sequence is dropped; the byte counts on its own
  }
  if (byte == 0x1b) {
    pending_.assign(1, char(byte));
    return std::nullopt;
  }
  if (byte < 0x20 || byte == 127) return decodeControl(byte);
  if (byte < 0x80) return KeyPress{Key::Text, std::string(1, char(byte))};
  if (utf8Length(byte) < 2) return key(Key::Ignore);
  pending_.assign(1, char(byte));
  return std::nullopt;
}

size_t EditBuffer::previousBoundary(size_t at) const {
  if (at == 0) return 0;
  at--;
  while (at > 0 && isContinuationByte(static_cast<unsigned char>(text_[at])))
    at--;
  return at;
}

size_t EditBuffer::nextBoundary(size_t at) const {
  if (at >= text_.size()) return text_.size();
  at++;
  while (at < text_.size() && isContinuationByte(static_cast<unsigned char>(text_[at])))
    at++;
  return at;
}

size_t EditBuffer::codePointsBeforeCursor() const {
  size_t n = 0;
  for (size_t i = 0; i < cursor_; i++)
    n += !isContinuationByte(static_cast<unsigned char>(text_[i]));
  return n;
}

size_t EditBuffer::codePointsAfterCursor() const {
  size_t n = 0;
  for (size_t i = cursor_; i < text_.size(); i++)
    n += !isContinuationByte(static_cast<unsigned char>(text_[i]));
  return n;
}

void EditBuffer::showHistory(size_t index) {
  if (historyIndex_ == SIZE_MAX) draft_ = text_;
  historyIndex_ = index;
  text_ = index == SIZE_MAX ? draft_ : (*history_)[index];
  cursor_ = text_.size();
}

bool EditBuffer::apply(const KeyPress& press) {
  switch (press.key) {
  case Key::Text:
    text_.insert(cursor_, press.text);
    cursor_ += press.text.size();
    return true;
  case Key::Enter:
  case Key::Interrupt: return false;
  case Key::EndOfInput:
    if (text_.empty()) return false;
    [[fallthrough]]; // Ctrl-D inside a line deletes, as in a shell
  case Key::Delete: text_.erase(cursor_, nextBoundary(cursor_) - cursor_); return true;
  case Key::Backspace: {
    size_t start = previousBoundary(cursor_);
    text_.erase(start, cursor_ - start);
    cursor_ = start;
    return true;
  }
  case Key::Left: cursor_ = previousBoundary(cursor_); return true;
  case Key::Right: cursor_ = nextBoundary(cursor_); return true;
  case Key::Home: cursor_ = 0; return true;
  case Key::End: cursor_ = text_.size(); return true;
  case Key::KillToEnd: text_.erase(cursor_); return true;
  case Key::KillToHome:
    text_.erase(0, cursor_);
    cursor_ = 0;
    return true;
  case Key::KillWord: {
    size_t start = cursor_;
    while (start > 0 && text_[start - 1] == ' ')
      start--;
    while (start > 0 && text_[start - 1] != ' ')
      start--;
    text_.erase(start, cursor_ - start);
    cursor_ = start;
    return true;
  }
  case Key::Up:
    if (!history_ || history_->empty() || historyIndex_ == 0) return true;
    showHistory(historyIndex_ == SIZE_MAX ? history_->size() - 1 : historyIndex_ - 1);
    return true;
  case Key::Down:
    if (historyIndex_ == SIZE_MAX) return true;
    showHistory(historyIndex_ + 1 < history_->size() ? historyIndex_ + 1 : SIZE_MAX);
    return true;
  case Key::ClearScreen:
  case Key::Ignore: return true;
  }
  return true;
}

namespace {

// Puts the terminal into raw mode for as long as it lives.
class RawMode {
public:
  RawMode() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
  }
  ~RawMode() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  bool active() const { return active_; }

private:
  termios saved_{};
  bool active_ = false;
};

void writeAll(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(size_t(n));
  }
}

} // namespace

LineReader::LineReader(size_t maxLineBytes) : maxLineBytes_(maxLineBytes) {
  const char* term = std::getenv("TERM");
  interactive_ =
      isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
}

LineReader::~LineReader() = default;

std::optional<std::string> LineReader::readLine(std::string_view prompt) {
  interrupted_ = false;
  if (interactive_) return readRaw(prompt);
  if (tooLong_) return std::nullopt;
  std::string line;
  std::streambuf* in = std::cin.rdbuf();
  while (true) {
    int c = in->sbumpc();
    if (c == EOF) {
      if (line.empty()) return std::nullopt;
      break;
    }
    if (c == '\n') break;
    if (line.size() >= maxLineBytes_) { // stop here: the input may never end
      tooLong_ = true;
      return std::nullopt;
    }
    line += char(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void LineReader::refresh(std::string_view prompt, const EditBuffer& buffer) const {
  std::string out = "\r";
  out += prompt;
  out += buffer.text();
  out += "\x1b[K"; // clear what is left of an earlier, longer line
  if (size_t back = buffer.codePointsAfterCursor()) out += "\x1b[" + std::to_string(back) + "D";
  writeAll(out);
}

std::optional<std::string> LineReader::readRaw(std::string_view prompt) {
  std::cout.flush();
  RawMode raw;
  if (!raw.active()) { // not a terminal after all: read plainly
    interactive_ = false;
    writeAll(prompt);
    return readLine(prompt);
  }
  EditBuffer buffer(&history_);
  KeyDecoder decoder;
  refresh(prompt, buffer);
  while (true) {
    unsigned char byte;
    ssize_t n = ::read(STDIN_FILENO, &byte, 1);
    if (n <= 0) {
      writeAll("\r\n");
      return std::nullopt;
    }
    std::optional<KeyPress> press = decoder.feed(byte);
    if (!press) continue;
    if (press->key == Key::ClearScreen) writeAll("\x1b[H\x1b[2J");
    if (press->key == Key::Text && buffer.text().size() + press->text.size() > maxLineBytes_) {
      continue; // a full line takes no more text
    }
    if (!buffer.apply(*press)) {
      writeAll("\r\n");
      if (press->key == Key::EndOfInput) return std::nullopt;
      if (press->key == Key::Interrupt) {
        interrupted_ = true;
        return std::string();
      }
      return buffer.text();
    }
    refresh(prompt, buffer);
  }
}

void LineReader::addHistory(const std::string& line) {
  if (line.empty() || (!history_.empty() && history_.back() == line)) return;
  history_.push_back(line);
  if (history_.size() > kMaxHistory) history_.erase(history_.begin());
}

std::string LineReader::loadHistory(const std::string& path) {
  std::string text;
  ReadOutcome read = readFileUpTo(path, kMaxHistoryBytes, text);
  if (read.status == ReadStatus::TooLarge) {
    return "ignoring " + path + ": file is larger than the " + describeLimit(kMaxHistoryBytes) +
           " limit for the history";
  }
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    addHistory(text.substr(start, end - start));
    start = end + 1;
  }
  return "";
}

void LineReader::saveHistory(const std::string& path) const {
  size_t first = history_.size(), bytes = 0;
  while (first > 0 && bytes + history_[first - 1].size() + 1 <= kMaxHistoryBytes)
    bytes += history_[--first].size() + 1;
  std::ofstream out(path, std::ios::trunc);
  for (size_t i = first; i < history_.size(); i++)
    out << history_[i] << "\n";
}

} // namespace nuri::cli
