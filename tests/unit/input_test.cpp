// What a guest reads from its host through the hooks of IsolateConfig: standard input and
// standard error (readLine, eprint, eprintln: how lines are cut whatever the chunks the hook
// gives, the hook's failures, the heap limit, the input read ahead carried by a snapshot), the
// wall clock of System.time() and the seed of Random.fromSystem().
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nuri/nuri.h"
#include "tests/unit/guest_run.h"

namespace nuri {
namespace {

// Prints every line of standard input in brackets, then how many there were.
const char* kEcho = R"(
fun main() {
    var n = 0
    var line = readLine()
    while (line != null) {
        println("[${line}]")
        n += 1
        line = readLine()
    }
    println("${n} lines")
}
)";

using testing_guest::compileOk;
using testing_guest::run;

// An input hook giving `text` in pieces of at most `piece` bytes.
std::function<bool(std::string&, size_t)> inputOf(std::string text, size_t piece) {
  auto at = std::make_shared<size_t>(0);
  return [text, piece, at](std::string& out, size_t maxBytes) {
    size_t n = std::min({piece, maxBytes, text.size() - *at});
    out.append(text, *at, n);
    *at += n;
    return *at < text.size();
  };
}

TEST(Input, LinesAreCutTheSameWhateverPiecesTheHookGives) {
  const std::string text = "one\r\ntwo\n\n\r\nlast";
  const std::string expected = "[one]\n[two]\n[]\n[]\n[last]\n5 lines\n";
  for (size_t piece : {1, 2, 3, 5, 64}) {
    IsolateConfig config;
    config.input = inputOf(text, piece);
    EXPECT_EQ(run(kEcho, config), expected) << "pieces of " << piece;
  }
}

TEST(Input, ALineLongerThanOneReadIsWhole) {
  std::string line(200000, 'x');
  IsolateConfig config;
  config.input = inputOf(line + "\nend\n", 70000);
  EXPECT_EQ(run(R"(
fun main() {
    println(readLine().length)
    println(readLine())
    println(readLine() == null)
})",
                config),
            "200000\nend\ntrue\n");
}

TEST(Input, WithoutAHookTheInputIsEmpty) { EXPECT_EQ(run(kEcho, IsolateConfig{}), "0 lines\n"); }

TEST(Input, AHookThatThrowsIsAnIOErrorTheGuestCanCatch) {
  IsolateConfig config;
  config.input = [](std::string&, size_t) -> bool { throw std::runtime_error("pipe broke"); };
  EXPECT_EQ(run(R"(
fun main() {
    try {
        readLine()
    } catch (e: IOError) {
        println(e.message)
    }
})",
                config),
            "reading standard input failed: pipe broke\n");
}

TEST(Input, InvalidUtf8IsAnIOErrorAndTheNextLineStillReads) {
  IsolateConfig config;
  config.input = inputOf("ok\n\xff\xfe\nafter\n", 64);
  EXPECT_EQ(run(R"(
fun main() {
    println(readLine())
    try {
        readLine()
    } catch (e: IOError) {
        println(e.message)
    }
    println(readLine())
})",
                config),
            "ok\nstandard input is not valid UTF-8 (byte 1 of the line)\nafter\n");
}

TEST(Input, ALineCountsTowardsTheHeapLimit) {
  IsolateConfig config;
  config.heapLimitBytes = 4u << 20;
  config.input = inputOf(std::string(16u << 20, 'x'), 1u << 20); // no newline: one line
  std::string result = run("fun main() { println(readLine().length) }", config);
  EXPECT_NE(result.find("LimitError"), std::string::npos) << result;
}

TEST(Input, StandardErrorGoesToItsHookAfterTheOutputSoFar) {
  std::string both;
  IsolateConfig config;
  config.errorOutput = [&both](std::string_view text) { both.append("E:").append(text); };
  std::string out = run(R"(
fun main() {
    print("a")
    eprint("b")
    println(1)
    eprintln(null)
})",
                        config);
  EXPECT_EQ(out, "a1\n");
  EXPECT_EQ(both, "E:bE:null\n");
  // Without a hook what the guest writes there is dropped.
  EXPECT_EQ(run("fun main() { eprintln(\"x\")\n println(\"y\") }", IsolateConfig{}), "y\n");
}

TEST(Input, ASnapshotCarriesTheInputReadAhead) {
  // The guest suspends after its first line, with the rest of the input already read from the
  // hook; the clone, which has no input hook at all, reads the rest from the snapshot.
  IsolateConfig config;
  std::string out;
  config.output = [&out](std::string_view text) { out.append(text); };
  config.input = inputOf("first\nsecond\nthird\n", 64);
  config.suspendOnLimit = true;
  config.fuel = 1; // one instruction at a time
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(compileOk(kEcho)));
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  while (out.empty()) {
    guest->setFuel(1);
    Result<Value> resumed = guest->resume();
    ASSERT_FALSE(resumed);
    ASSERT_EQ(resumed.error().kind, Error::Kind::Suspended) << resumed.error().render();
  }
  ASSERT_EQ(out, "[first]\n");
  ASSERT_TRUE(guest->suspended());
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes) << bytes.error().render();

  std::string cloneOut;
  IsolateConfig cloneConfig;
  cloneConfig.output = [&cloneOut](std::string_view text) { cloneOut.append(text); };
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes, cloneConfig);
  ASSERT_TRUE(clone) << clone.error().render();
  Result<Value> r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(cloneOut, "[second]\n[third]\n3 lines\n");
}

// A hook that has nothing yet returns with nothing: the waiting guest still meets its timeout.
TEST(Input, AGuestWaitingForInputMeetsItsTimeout) {
  IsolateConfig config;
  config.timeoutSeconds = 0.2;
  config.input = [](std::string&, size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return true; // nothing has arrived
  };
  auto started = std::chrono::steady_clock::now();
  std::string out = run("fun main() { println(readLine()) }", config);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_NE(out.find("LimitError: timed out after 0.2 s"), std::string::npos) << out;
  EXPECT_LT(seconds, 5.0);
}

TEST(WallClock, SystemTimeIsTheHostsClock) {
  IsolateConfig config;
  config.wallClock = [] { return int64_t(1764806400000); };
  EXPECT_EQ(run("fun main() { println(System.time()) }", config), "1764806400000\n");
  EXPECT_EQ(run("fun main() { println(System.time()) }", IsolateConfig{}), "0\n");
}

TEST(WallClock, DateTodayIsTheHostsDayInUtc) {
  auto today = [](int64_t ms) {
    IsolateConfig config;
    config.wallClock = [ms] { return ms; };
    return run("fun main() { println(Date.today()) }", config);
  };
  EXPECT_EQ(today(1764806400000), "2025-12-04\n");     // midnight UTC
  EXPECT_EQ(today(1764806400000 - 1), "2025-12-03\n"); // a millisecond before
  EXPECT_EQ(today(0), "1970-01-01\n");
  EXPECT_EQ(today(-1), "1969-12-31\n"); // before 1970 days are floored, not truncated
  EXPECT_EQ(today(-86400000), "1969-12-31\n");
  EXPECT_EQ(today(-86400001), "1969-12-30\n");
  EXPECT_EQ(run("fun main() { println(Date.today()) }", IsolateConfig{}), "1970-01-01\n");
  // A clock beyond the calendar's range is an error, not a wrong day.
  EXPECT_NE(today(INT64_MAX).find("ValueError: the date is out of range"), std::string::npos);
}

TEST(Environment, SystemEnvReadsTheHostsHookAndNeedsIt) {
  IsolateConfig config;
  config.environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "GREETING") return "안녕";
    return std::nullopt;
  };
  EXPECT_EQ(
      run(R"(fun main() { println(System.env("GREETING")); println(System.env("X")) })", config),
      "안녕\nnull\n");
  std::string refused = run(R"(fun main() { println(System.env("GREETING")) })", IsolateConfig{});
  EXPECT_NE(refused.find("SecurityError: environment access is not granted"), std::string::npos)
      << refused;
}

TEST(RandomSeed, FromSystemIsSeededByTheHostsHook) {
  const char* draw = R"(
fun main() {
    println(Random.fromSystem().nextInt(1000000))
    println(Random(42).nextInt(1000000))
})";
  IsolateConfig config;
  config.randomSeed = [] { return uint64_t(42); };
  std::string seeded = run(draw, config);
  size_t newline = seeded.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(seeded.substr(0, newline + 1), seeded.substr(newline + 1)); // the same numbers
  // Without the hook the seed is 0: the same as Random(0), every time.
  std::string unseeded = run("fun main() { println(Random.fromSystem().nextInt(1000000) == "
                             "Random(0).nextInt(1000000)) }",
                             IsolateConfig{});
  EXPECT_EQ(unseeded, "true\n");
}

} // namespace
} // namespace nuri
