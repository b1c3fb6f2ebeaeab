#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "support/read_file.h"

using namespace nuri;

namespace {

std::string temporary(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ReadFile, ReadsUpToTheLimit) {
  std::string out;
  ReadOutcome read = readFileUpTo(temporary("read_exact", "12345"), 5, out);
  EXPECT_EQ(read.status, ReadStatus::Ok);
  EXPECT_EQ(out, "12345");
  read = readFileUpTo(temporary("read_over", "123456"), 5, out);
  EXPECT_EQ(read.status, ReadStatus::TooLarge);
  EXPECT_EQ(out, "");
}

TEST(ReadFile, StopsReadingAnEndlessDevice) {
  std::string out;
  EXPECT_EQ(readFileUpTo("/dev/zero", 1 << 20, out).status, ReadStatus::TooLarge);
  EXPECT_EQ(out, "");
}

TEST(ReadFile, StopsReadingAnEndlessPipe) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t writer = fork();
  if (writer == 0) {
    close(fds[0]);
    char block[4096] = {};
    while (write(fds[1], block, sizeof block) > 0) {
    }
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  EXPECT_EQ(readFileUpTo("/dev/fd/" + std::to_string(fds[0]), 100000, out).status,
            ReadStatus::TooLarge);
  close(fds[0]);
  waitpid(writer, nullptr, 0);
}

TEST(ReadFile, SaysWhyAFileIsUnreadable) {
  std::string out;
  ReadOutcome read = readFileUpTo(::testing::TempDir() + "no_such_file", 10, out);
  EXPECT_EQ(read.status, ReadStatus::Unreadable);
  EXPECT_EQ(read.reason, "No such file or directory");
  read = readFileUpTo(::testing::TempDir(), 10, out);
  EXPECT_EQ(read.status, ReadStatus::Unreadable);
  EXPECT_EQ(read.reason, "it is a directory");
}

TEST(ReadFile, DescribesLimits) {
  EXPECT_EQ(describeLimit(16u << 20), "16 MB");
  EXPECT_EQ(describeLimit(1536), "1536 bytes");
  EXPECT_EQ(describeLimit(2048), "2 KB");
}

} // namespace
