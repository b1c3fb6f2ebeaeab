#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "cli/line_editor.h"
#include "nuri/nuri.h"

using namespace nuri;
using namespace nuri::cli;

namespace {

// Feeds terminal bytes through a decoder into a buffer; returns the last key that ended editing.
Key type(EditBuffer& buffer, std::string_view bytes) {
  KeyDecoder decoder;
  for (unsigned char c : bytes) {
    if (auto press = decoder.feed(c); press && !buffer.apply(*press)) return press->key;
  }
  return Key::Ignore;
}

} // namespace

TEST(LineEditor, TypingAndMovingByCodePoints) {
  EditBuffer b;
  EXPECT_EQ(type(b, "h\xc3\xa9llo"), Key::Ignore);
  EXPECT_EQ(b.text(), "h\xc3\xa9llo");
  type(b, "\x1b[D\x1b[D\x1b[D\x1b[D"); // four Lefts: the cursor is after `h`
  EXPECT_EQ(b.codePointsBeforeCursor(), 1u);
  type(b, "\x1b[C\x7f"); // Right over `é`, Backspace deletes it whole
  EXPECT_EQ(b.text(), "hllo");
  type(b, "\x1b[3~"); // Delete under the cursor
  EXPECT_EQ(b.text(), "hlo");
  type(b, "\x01X\x05Y"); // Ctrl-A, Ctrl-E
  EXPECT_EQ(b.text(), "XhloY");
  EXPECT_EQ(b.codePointsAfterCursor(), 0u);
  EXPECT_EQ(type(b, "\r"), Key::Enter);
}

TEST(LineEditor, KillKeys) {
  EditBuffer b;
  type(b, "let answer = 42");
  type(b, "\x17"); // Ctrl-W: the word before the cursor
  EXPECT_EQ(b.text(), "let answer = ");
  type(b, "\x1b[H\x1b[C\x1b[C\x1b[C\x0b"); // Home, three Rights, Ctrl-K
  EXPECT_EQ(b.text(), "let");
  type(b, "\x15"); // Ctrl-U
  EXPECT_EQ(b.text(), "");
  EXPECT_EQ(type(b, "\x04"), Key::EndOfInput); // Ctrl-D ends input only on an empty line
  type(b, "ab\x1b[D\x04");
  EXPECT_EQ(b.text(), "a");
}

TEST(LineEditor, HistoryKeepsTheDraft) {
  std::vector<std::string> history = {"first", "second"};
  EditBuffer b(&history);
  type(b, "draft");
  type(b, "\x1b[A");
  EXPECT_EQ(b.text(), "second");
  type(b, "\x1bOA\x1b[A"); // older than the oldest stays there
  EXPECT_EQ(b.text(), "first");
  type(b, "\x1b[B\x1b[B");
  EXPECT_EQ(b.text(), "draft");
}

TEST(LineEditor, MalformedInputIsIgnored) {
  EditBuffer b;
  type(b, "a\xff\xc3(b\x1b[99;99;99;99;99;99;99;99;99Z\x1bxc");
  EXPECT_EQ(b.text(), "a(bc");
  EXPECT_EQ(type(b, "\x03"), Key::Interrupt);
}

TEST(IncompleteSource, OpenBracketsCommentsAndOperators) {
  EXPECT_TRUE(isIncompleteSource("fun f() {"));
  EXPECT_TRUE(isIncompleteSource("println(1,"));
  EXPECT_TRUE(isIncompleteSource("let xs = [1, 2"));
  EXPECT_TRUE(isIncompleteSource("1 +"));
  EXPECT_TRUE(isIncompleteSource("if (x) { } else"));
  EXPECT_TRUE(isIncompleteSource("/* a comment"));
  EXPECT_FALSE(isIncompleteSource("fun f() { }"));
  EXPECT_FALSE(isIncompleteSource("let s = \"{\" // (")); // brackets in strings and comments
  EXPECT_FALSE(isIncompleteSource("let x = 1;"));
  EXPECT_FALSE(isIncompleteSource(""));
  EXPECT_FALSE(isIncompleteSource("}}")); // too many closers: an error to report, not wait on
}

std::string fileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(History, SavingKeepsTheNewestEntriesThatFit) {
  std::string path = ::testing::TempDir() + "nuri_history_fit";
  std::string older(600000, 'a'), newer(600000, 'b');
  LineReader reader(1000);
  reader.addHistory(older);
  reader.addHistory(newer);
  reader.addHistory("1 + 2");
  reader.saveHistory(path);
  EXPECT_EQ(fileText(path), newer + "\n1 + 2\n");
  LineReader again(1000);
  EXPECT_EQ(again.loadHistory(path), "");
  again.saveHistory(path + "2");
  EXPECT_EQ(fileText(path + "2"), newer + "\n1 + 2\n");
}

TEST(History, AFileOverTheLimitIsIgnored) {
  std::string path = ::testing::TempDir() + "nuri_history_large";
  std::ofstream(path) << std::string(LineReader::kMaxHistoryBytes + 1, '\n');
  LineReader reader(1000);
  EXPECT_EQ(reader.loadHistory(path),
            "ignoring " + path + ": file is larger than the 1 MB limit for the history");
  reader.saveHistory(path); // nothing was loaded, so nothing is kept
  EXPECT_EQ(fileText(path), "");
}
