// Opening beneath a directory (support/open_beneath.h) by the kernel and by hand, a directory
// swapped for a link while guests open through it, and the file grants of IsolateConfig.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "nuri/nuri.h"
#include "support/open_beneath.h"
#include "tests/unit/guest_run.h"

namespace nuri {
namespace {

namespace fs = std::filesystem;

// A fresh folder for one test: root/ (what is opened beneath), beside secret.txt outside it.
class Folder {
public:
  Folder() {
    char name[] = "/tmp/nuri-files-XXXXXX";
    base_ = mkdtemp(name);
    fs::create_directories(root() / "sub");
    write(base_ / "secret.txt", "outside");
    write(root() / "sub" / "mine.txt", "inside");
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }
  fs::path base() const { return base_; }
  fs::path root() const { return base_ / "root"; }
  static void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

private:
  fs::path base_;
};

std::string readAll(int fd) {
  std::string text;
  char buffer[256];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0)
    text.append(buffer, size_t(n));
  return text;
}

class OpenBeneath : public ::testing::TestWithParam<BeneathMethod> {
protected:
  void SetUp() override {
    if (GetParam() == BeneathMethod::Kernel && !kernelOpensBeneath())
      GTEST_SKIP() << "this kernel has no openat2";
    rootFd_ = open(folder_.root().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(rootFd_, 0);
  }
  void TearDown() override {
    if (rootFd_ >= 0) close(rootFd_);
  }
  // What `path` opens to read: its text, or the error's name.
  std::string opened(const std::string& path) {
    int fd = openBeneath(rootFd_, path, O_RDONLY, 0, GetParam());
    if (fd < 0) return -fd == EXDEV ? "EXDEV" : -fd == ELOOP ? "ELOOP" : strerrorname_np(-fd);
    std::string text = readAll(fd);
    close(fd);
    return text;
  }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(symlink(target.c_str(), (folder_.root() / name).c_str()), 0);
  }

  Folder folder_;
  int rootFd_ = -1;
};

TEST_P(OpenBeneath, OpensWhatIsInside) {
  EXPECT_EQ(opened("sub/mine.txt"), "inside");
  EXPECT_EQ(opened("./sub//mine.txt"), "inside");
  EXPECT_EQ(opened("sub/../sub/mine.txt"), "inside");
  EXPECT_EQ(opened("sub/missing.txt"), "ENOENT");
  link("sub/mine.txt", "inside");
  link("sub", "subLink");
  EXPECT_EQ(opened("inside"), "inside");
  EXPECT_EQ(opened("subLink/mine.txt"), "inside");
  int fd = openBeneath(rootFd_, "", O_RDONLY | O_DIRECTORY, 0, GetParam());
  EXPECT_GE(fd, 0);
  if (fd >= 0) close(fd);
}

TEST_P(OpenBeneath, RefusesEveryWayOut) {
  EXPECT_EQ(opened("../secret.txt"), "EXDEV");
  EXPECT_EQ(opened("sub/../../secret.txt"), "EXDEV");
  EXPECT_EQ(opened((folder_.base() / "secret.txt").string()), "EXDEV");
  link("../secret.txt", "up");
  link((folder_.base() / "secret.txt").string(), "absolute");
  link("sub/../../secret.txt", "roundabout");
  link("..", "parent");
  EXPECT_EQ(opened("up"), "EXDEV");
  EXPECT_EQ(opened("absolute"), "EXDEV");
  EXPECT_EQ(opened("roundabout"), "EXDEV");
  EXPECT_EQ(opened("parent/secret.txt"), "EXDEV");
  // Creating through a link out must not create outside either.
  int fd = openBeneath(rootFd_, "parent/created.txt", O_WRONLY | O_CREAT, 0644, GetParam());
  EXPECT_EQ(fd, -EXDEV);
  EXPECT_FALSE(fs::exists(folder_.base() / "created.txt"));
  link("loop", "loop");
  EXPECT_EQ(opened("loop"), "ELOOP");
}

TEST_P(OpenBeneath, MagicLinksOfProcLeadNowhere) {
  int proc = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(proc, 0);
  // cwd and fd/N are magic links: the kernel refuses them (ELOOP); by hand their text is an
  // absolute path (EXDEV) or names nothing.
  for (const char* path : {"cwd/etc", "root/etc/hostname", "fd/0"}) {
    int fd = openBeneath(proc, path, O_RDONLY, 0, GetParam());
    EXPECT_LT(fd, 0) << path;
    if (fd >= 0) close(fd);
  }
  close(proc);
}

// A directory on the path is swapped, again and again, with a link pointing out of the root:
// every open either finds the file inside or is refused, never the one outside.
TEST_P(OpenBeneath, ADirectorySwappedForALinkNeverLeadsOut) {
  fs::create_directories(folder_.base() / "elsewhere");
  Folder::write(folder_.base() / "elsewhere" / "mine.txt", "outside");
  link("../elsewhere", "swap");
  std::string sub = (folder_.root() / "sub").string(), swap = (folder_.root() / "swap").string();
  std::atomic<bool> done{false};
  std::thread swapper([&] {
    while (!done)
      renameat2(AT_FDCWD, sub.c_str(), AT_FDCWD, swap.c_str(), RENAME_EXCHANGE);
  });
  int inside = 0, refused = 0, outside = 0;
  for (int i = 0; i < 20000; i++) {
    std::string text = opened("sub/mine.txt");
    if (text == "inside")
      inside++;
    else if (text == "outside")
      outside++;
    else
      refused++;
  }
  done = true;
  swapper.join();
  EXPECT_EQ(outside, 0);
  EXPECT_GT(inside + refused, 0);
}

INSTANTIATE_TEST_SUITE_P(Methods, OpenBeneath,
                         ::testing::Values(BeneathMethod::Kernel, BeneathMethod::UserSpace),
                         [](const auto& info) {
                           return info.param == BeneathMethod::Kernel ? "Kernel" : "UserSpace";
                         });

using testing_guest::compileOk;
using testing_guest::run;

TEST(FileGrants, AnEmbedderGrantsDirectoriesThroughTheConfig) {
  Folder folder;
  IsolateConfig config;
  config.readableDirectories = {folder.root().string()};
  config.writableDirectories = {(folder.root() / "sub").string()};
  std::string program = "fun main() {\n"
                        "  File.write(\"" +
                        (folder.root() / "sub" / "new.txt").string() +
                        "\", \"written\")\n"
                        "  println(File.read(\"" +
                        (folder.root() / "sub" / "new.txt").string() +
                        "\"))\n"
                        "  println(File.list(\"" +
                        folder.root().string() +
                        "/sub\"))\n"
                        "  File.write(\"" +
                        (folder.root() / "top.txt").string() +
                        "\", \"\")\n"
                        "}";
  std::string out = run(program.c_str(), config);
  EXPECT_NE(out.find("written\n[mine.txt, new.txt]\n"), std::string::npos) << out;
  EXPECT_NE(out.find("SecurityError: write access to " + (folder.root() / "top.txt").string() +
                     " is not granted"),
            std::string::npos)
      << out;
  // No grant: nothing, not even whether a file exists.
  std::string refused = run("fun main() { println(File.exists(\"/tmp\")) }", IsolateConfig{});
  EXPECT_NE(refused.find("SecurityError: read access to /tmp is not granted"), std::string::npos)
      << refused;
}

// A read stopped by a suspension is abandoned with its file closed, and runs again whole on
// resume, here in another isolate restored from the snapshot.
TEST(FileGrants, AReadSuspendedMidwayRunsAgainAfterRestore) {
  Folder folder;
  std::string big(32u << 20, 'x');
  Folder::write(folder.root() / "big.txt", big);
  IsolateConfig config;
  config.readableDirectories = {folder.root().string()};
  config.suspendOnLimit = true;
  config.fuel = 20000; // the read's 32 MB spend about 130,000 instructions' worth
  std::string program =
      "fun main() { println(File.read(\"" + (folder.root() / "big.txt").string() + "\").length) }";
  std::string out;
  config.output = [&out](std::string_view text) { out.append(text); };
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(compileOk(program.c_str())));
  Result<int> first = guest->runMain({});
  ASSERT_FALSE(first);
  ASSERT_EQ(first.error().kind, Error::Kind::Suspended) << first.error().render();
  Result<std::vector<uint8_t>> snapshot = guest->snapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().render();
  guest.reset();
  config.fuel = 0;
  Result<std::unique_ptr<Isolate>> restored = runtime.restore(*snapshot, config);
  ASSERT_TRUE(restored) << restored.error().render();
  Result<Value> resumed = (*restored)->resume();
  ASSERT_TRUE(resumed) << resumed.error().render();
  EXPECT_EQ(out, std::to_string(big.size()) + "\n");
}

} // namespace
} // namespace nuri
