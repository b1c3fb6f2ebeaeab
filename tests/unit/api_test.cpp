// include/nuri/nuri.h: the embedding API as a host application uses it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <stdlib.h>
#include <sys/resource.h>

#include <iostream>

#include "gc/heap.h"
#include "nuri/nuri.h"

namespace nuri {
namespace {

Program compileOk(const std::string& source, const std::string& name = "app.nuri") {
  Result<Program> p = compileSource(source, name);
  EXPECT_TRUE(p) << (p ? "" : p.error().render());
  return p ? *p : Program();
}

// An isolate whose println output is collected in `out`.
struct Guest {
  std::string out;
  std::unique_ptr<Isolate> isolate;

  explicit Guest(IsolateConfig config = {}) {
    config.output = [this](std::string_view text) { out.append(text); };
    Runtime runtime; // cheap: the collector is initialised once per process
    isolate = runtime.newIsolate(config);
  }
};

struct Outcome {
  std::string output;
  bool loaded = false;
  bool ran = false;
  int status = -1;
  Error error;
};

// Loads `program` into a fresh isolate and runs main.
Outcome runProgram(const Program& program, const std::vector<std::string>& args = {},
                   IsolateConfig config = {}) {
  Guest guest(config);
  Outcome run;
  Status loaded = guest.isolate->load(program);
  run.loaded = bool(loaded);
  if (!loaded) {
    run.error = loaded.error();
  } else {
    Result<int> status = guest.isolate->runMain(args);
    run.ran = bool(status);
    if (status)
      run.status = *status;
    else
      run.error = status.error();
  }
  run.output = guest.out;
  return run;
}

Outcome runSource(const std::string& source, const std::vector<std::string>& args = {},
                  IsolateConfig config = {}) {
  return runProgram(compileOk(source), args, config);
}

// ---- Compiling ----

TEST(ApiCompile, ErrorsRenderWithFileLineAndColumn) {
  Result<Program> p = compileSource("let x = 1\nlet y: string = x\nprintln(z)\n", "src/app.nuri");
  ASSERT_FALSE(p);
  const Error& e = p.error();
  EXPECT_EQ(e.kind, Error::Kind::Compile);
  EXPECT_EQ(e.message, "2 errors");
  EXPECT_EQ(e.diagnostics, "src/app.nuri:2:17: error: cannot assign an int to `y` of type string\n"
                           "  let y: string = x\n"
                           "                  ^\n"
                           "src/app.nuri:3:9: error: unknown name `z`\n"
                           "  println(z)\n"
                           "          ^\n");
  EXPECT_EQ(e.render(), e.diagnostics);
}

TEST(ApiCompile, OneError) {
  Result<Program> p = compileSource("let x = \n", "one.nuri");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "1 error");
  EXPECT_EQ(p.error().diagnostics.rfind("one.nuri:2:1: error: expected an expression, found end "
                                        "of line\n",
                                        0),
            0u)
      << p.error().diagnostics;
}

TEST(ApiCompile, MissingFileIsAnIoError) {
  Result<Program> p = compileFile("/nonexistent/dir/app.nuri");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Io);
  EXPECT_EQ(p.error().message, "cannot read /nonexistent/dir/app.nuri: No such file or directory");
  EXPECT_EQ(p.error().render(),
            "error: cannot read /nonexistent/dir/app.nuri: No such file or directory\n");
}

// A fresh directory under /tmp, removed with its files at the end of the test.
class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/nuri_api_test_XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) {
    std::string full = path + "/" + name;
    std::ofstream(full, std::ios::binary) << text;
    return full;
  }
  std::string path;
};

TEST(ApiCompile, CompileFileAndLoadBytecodeFile) {
  TempDir dir;
  std::string source = dir.file("hello.nuri", "fun main(): int {\n  println(\"hi\")\n"
                                              "  let xs = [1]\n  return xs[2]\n}\n");
  Result<Program> p = compileFile(source);
  ASSERT_TRUE(p) << p.error().render();
  Outcome run = runProgram(*p);
  EXPECT_EQ(run.output, "hi\n");
  EXPECT_EQ(run.error.errorClass, "IndexError");
  // Traces show the file name without its folder.
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at main (hello.nuri:4)"}));

  std::vector<uint8_t> bytes = p->toBytecode();
  std::string nbc = dir.file("hello.nbc", std::string(bytes.begin(), bytes.end()));
  Result<Program> loaded = loadBytecodeFile(nbc);
  ASSERT_TRUE(loaded) << loaded.error().render();
  Outcome again = runProgram(*loaded);
  EXPECT_EQ(again.output, "hi\n");
  EXPECT_EQ(again.error.trace, run.error.trace);
}

TEST(ApiCompile, TextCompiledFromMemoryReadsNoFilesUnlessAllowed) {
  // A script compiled from a string could import .nuri files from the host's folders.
  TempDir dir;
  dir.file("secrets.nuri", "let key = \"hunter2\"\n");
  std::string source = "import secrets\nprintln(secrets.key)\n";
  Result<Program> p = compileSource(source, dir.path + "/main.nuri");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().diagnostics.find("main.nuri:1:1: error: cannot find module `secrets`: its "
                                       "host provides no such module"),
            std::string::npos)
      << p.error().diagnostics;

  CompileOptions files;
  files.importFiles = true;
  Result<Program> allowed = compileSource(source, dir.path + "/main.nuri", files);
  ASSERT_TRUE(allowed) << allowed.error().render();
  EXPECT_EQ(runProgram(*allowed).output, "hunter2\n");
}

TEST(ApiCompile, TheHostProvidesImportedModules) {
  CompileOptions options;
  options.importSource = [](const std::string& module) -> std::optional<std::string> {
    if (module == "util.text") return "fun shout(s: string): string { return s.upper() + \"!\" }\n";
    return std::nullopt;
  };
  Result<Program> p =
      compileSource("import util.text\nprintln(text.shout(\"hi\"))\nlet x = [1]\nprintln(x[3])\n",
                    "main.nuri", options);
  ASSERT_TRUE(p) << p.error().render();
  Outcome run = runProgram(*p);
  EXPECT_EQ(run.output, "HI!\n");
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at <module> (main.nuri:4)"}));
  Result<Program> missing = compileSource("import util.other\n", "main.nuri", options);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().diagnostics.find("cannot find module `util.other`"), std::string::npos);
}

TEST(ApiCompile, DirectoriesAndMissingFilesAreIoErrors) {
  TempDir dir;
  Result<Program> p = compileFile(dir.path);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Io);
  EXPECT_EQ(p.error().message, "cannot read " + dir.path + ": it is a directory");
  p = loadBytecodeFile(dir.path + "/missing.nbc");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Io);
  EXPECT_EQ(p.error().message,
            "cannot read " + dir.path + "/missing.nbc: No such file or directory");
  std::string garbage = dir.file("garbage.nbc", "NURIBC but not really");
  p = loadBytecodeFile(garbage);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Load);
  EXPECT_EQ(p.error().message, garbage + ": not a Nuri bytecode file (bad magic number)");
}

TEST(ApiCompile, DisassemblyNamesFunctions) {
  Program p = compileOk("fun square(n: int): int { return n * n }\nprintln(square(3))\n");
  std::string listing = p.disassemble();
  EXPECT_NE(listing.find("function square"), std::string::npos) << listing;
  EXPECT_NE(listing.find("MUL_INT"), std::string::npos) << listing;
}

// ---- Running ----

TEST(ApiRun, OutputCallbackCapturesPrintAndPrintln) {
  Outcome run = runSource("print(\"a\")\nprint(1)\nprintln()\nprintln(2.5)\nprintln([1, 2])\n"
                          "println(\"é😀\")\n");
  ASSERT_TRUE(run.loaded) << run.error.render();
  EXPECT_EQ(run.output, "a1\n2.5\n[1, 2]\né😀\n");
  EXPECT_EQ(run.status, 0);
}

TEST(ApiRun, MainWithArgumentsAndIntResult) {
  Program p = compileOk("println(\"init\")\n"
                        "fun main(args: string[]): int {\n"
                        "  println(args.length)\n"
                        "  for (a in args) { println(a) }\n"
                        "  return args.length + 40\n"
                        "}\n");
  Outcome run = runProgram(p, {"one", "twö", ""});
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "init\n3\none\ntwö\n\n");
  EXPECT_EQ(run.status, 43);
  // No arguments.
  run = runProgram(p, {});
  EXPECT_EQ(run.output, "init\n0\n");
  EXPECT_EQ(run.status, 40);
}

TEST(ApiRun, MainsResultIsWholeInTheApi) {
  // Only a process's exit status is one byte (the nuri command keeps the low byte).
  Outcome run = runSource("fun main(): int { return 300 }\n");
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.status, 300);
  EXPECT_EQ(runSource("fun main(): int { return -5 }\n").status, -5);
  EXPECT_EQ(runSource("fun main(): int { return 9000000000 }\n").status, 2147483647);
  EXPECT_EQ(runSource("fun main() { System.exit(300) }\n").status, 300 & 0xFF);
}

TEST(ApiRun, ProgramWithoutMainRunsItsTopLevel) {
  Outcome run = runSource("var total = 0\nfor (i in 1..=10) { total += i }\nprintln(total)\n");
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "55\n");
  EXPECT_EQ(run.status, 0);
}

TEST(ApiRun, SystemExitFromMain) {
  Outcome run = runSource("fun main(): int {\n"
                          "  println(\"before\")\n"
                          "  helper()\n"
                          "  println(\"not reached\")\n"
                          "  return 1\n"
                          "}\n"
                          "fun helper() { System.exit(7) }\n");
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "before\n");
  EXPECT_EQ(run.status, 7);
}

TEST(ApiRun, SystemExitDuringLoadSkipsMain) {
  Outcome run = runSource("println(\"loading\")\nSystem.exit(3)\nprintln(\"no\")\n"
                          "fun main() { println(\"main never runs\") }\n");
  ASSERT_TRUE(run.loaded) << run.error.render();
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "loading\n");
  EXPECT_EQ(run.status, 3);
}

TEST(ApiRun, RuntimeErrorIsAValueWithClassMessageAndTrace) {
  Outcome run = runSource("fun get(xs: int[], i: int): int {\n"
                          "  return xs[i]\n"
                          "}\n"
                          "fun main() {\n"
                          "  println(\"start\")\n"
                          "  println(get([1, 2, 3], 5))\n"
                          "}\n");
  ASSERT_TRUE(run.loaded);
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.output, "start\n");
  EXPECT_EQ(run.error.kind, Error::Kind::Runtime);
  EXPECT_EQ(run.error.errorClass, "IndexError");
  EXPECT_EQ(run.error.message, "index 5 out of bounds for length 3");
  EXPECT_EQ(run.error.trace,
            (std::vector<std::string>{"at get (app.nuri:2)", "at main (app.nuri:6)"}));
  EXPECT_EQ(run.error.render(), "error: IndexError: index 5 out of bounds for length 3\n"
                                "  at get (app.nuri:2)\n"
                                "  at main (app.nuri:6)\n");
}

TEST(ApiRun, RuntimeErrorDuringLoad) {
  Program p = compileOk("let zero = 0\nprintln(\"loading\")\nlet r = 10 / zero\n", "dir/init.nuri");
  Outcome run = runProgram(p);
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.output, "loading\n");
  EXPECT_EQ(run.error.kind, Error::Kind::Runtime);
  EXPECT_EQ(run.error.errorClass, "ArithmeticError");
  EXPECT_EQ(run.error.message, "division by zero");
  // Traces name the file without its folder.
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at <module> (init.nuri:3)"}));
}

TEST(ApiRun, NullErrorInAMethod) {
  Outcome run = runSource("class Node {\n"
                          "  var next: Node\n"
                          "  var value: int = 1\n"
                          "  fun nextValue(): int { return next.value }\n"
                          "}\n"
                          "println(Node().nextValue())\n");
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.errorClass, "NullError");
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at Node.nextValue (app.nuri:4)",
                                                       "at <module> (app.nuri:6)"}));
}

// ---- Bytecode ----

TEST(ApiBytecode, LoadedBytecodeRunsIdentically) {
  const char* source = "class Counter {\n"
                       "  var n: int = 0\n"
                       "  fun bump(): int { n += 1; return n }\n"
                       "}\n"
                       "let c = Counter()\n"
                       "fun main(args: string[]): int {\n"
                       "  var s = StringBuilder()\n"
                       "  for (i in 0..5) { s.append(c.bump()).append(\",\") }\n"
                       "  println(s.toString() + args.length)\n"
                       "  println(0.1 + 0.2)\n"
                       "  println(\"x\".repeat(3).upper())\n"
                       "  return c.n * 2\n"
                       "}\n";
  Program compiled = compileOk(source);
  std::vector<uint8_t> bytes = compiled.toBytecode();
  Result<Program> loaded = loadBytecode(bytes, "app.nbc");
  ASSERT_TRUE(loaded) << loaded.error().render();
  EXPECT_EQ(loaded->toBytecode(), bytes);

  Outcome fromSource = runProgram(compiled, {"a", "b"});
  Outcome fromBytecode = runProgram(*loaded, {"a", "b"});
  ASSERT_TRUE(fromSource.ran) << fromSource.error.render();
  ASSERT_TRUE(fromBytecode.ran) << fromBytecode.error.render();
  EXPECT_EQ(fromSource.output, "1,2,3,4,5,2\n0.30000000000000004\nXXX\n");
  EXPECT_EQ(fromBytecode.output, fromSource.output);
  EXPECT_EQ(fromSource.status, 10);
  EXPECT_EQ(fromBytecode.status, fromSource.status);
}

TEST(ApiBytecode, RuntimeErrorFromBytecodeHasTheSameTrace) {
  Program compiled = compileOk("fun f(a: int): int { return 10 % a }\nprintln(f(0))\n", "m.nuri");
  Result<Program> loaded = loadBytecode(compiled.toBytecode());
  ASSERT_TRUE(loaded) << loaded.error().render();
  Outcome a = runProgram(compiled);
  Outcome b = runProgram(*loaded);
  EXPECT_EQ(a.error.errorClass, "ArithmeticError");
  EXPECT_EQ(a.error.trace, (std::vector<std::string>{"at f (m.nuri:1)", "at <module> (m.nuri:2)"}));
  EXPECT_EQ(b.error.errorClass, a.error.errorClass);
  EXPECT_EQ(b.error.message, a.error.message);
  EXPECT_EQ(b.error.trace, a.error.trace);
}

TEST(ApiBytecode, GarbageIsALoadError) {
  Result<Program> p = loadBytecode({'N', 'U', 'R', 'I'}, "x.nbc");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Load);
  EXPECT_EQ(p.error().render(), "error: x.nbc: not a Nuri bytecode file (bad magic number)\n");
}

// ---- Limits ----

TEST(ApiLimits, FuelLimitRaisesLimitError) {
  IsolateConfig config;
  config.fuel = 10000;
  Outcome run = runSource("fun main() {\n  var i = 0\n  while (true) { i += 1 }\n}\n", {}, config);
  ASSERT_TRUE(run.loaded) << run.error.render();
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.error.kind, Error::Kind::Runtime);
  EXPECT_EQ(run.error.errorClass, "LimitError");
  EXPECT_EQ(run.error.message, "fuel exhausted after 10000 instructions");
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at main (app.nuri:3)"}));
}

TEST(ApiLimits, TimeoutRaisesLimitError) {
  IsolateConfig config;
  config.timeoutSeconds = 0.2;
  Outcome run = runSource("fun main() {\n  var i = 0\n  while (true) { i += 1 }\n}\n", {}, config);
  ASSERT_TRUE(run.loaded) << run.error.render();
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.error.errorClass, "LimitError");
  EXPECT_EQ(run.error.message, "timed out after 0.2 s");
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at main (app.nuri:3)"}));
}

TEST(ApiLimits, LimitErrorsSayWhichLimit) {
  const char* spin = "fun main() {\n  var i = 0\n  while (true) { i += 1 }\n}\n";
  IsolateConfig fuel;
  fuel.fuel = 10000;
  EXPECT_EQ(runSource(spin, {}, fuel).error.limit, Error::Limit::Fuel);
  IsolateConfig time;
  time.timeoutSeconds = 0.05;
  EXPECT_EQ(runSource(spin, {}, time).error.limit, Error::Limit::Time);
  IsolateConfig heap;
  heap.heapLimitBytes = 1 << 20;
  Outcome bomb = runSource("let a = new int[1000000]\n", {}, heap);
  EXPECT_EQ(bomb.error.limit, Error::Limit::Heap);
  EXPECT_EQ(bomb.error.message, "heap limit of 1M exceeded by an allocation of 8000016 bytes");
  Outcome index = runSource("let a = [1]\nprintln(a[2])\n");
  EXPECT_EQ(index.error.limit, Error::Limit::None);
}

// A program whose main loops for about 2 million instructions.
const char* kBusyMain = "fun main(): int {\n"
                        "  var s = 0\n"
                        "  for (i in 0..500000) { s += i % 7 }\n"
                        "  return s % 100\n"
                        "}\n";

TEST(ApiLimits, SetTimeoutCountsFromNowNotFromLoad) {
  // The configured timeout counts from load(); a host that waits between calls re-arms it.
  IsolateConfig config;
  config.timeoutSeconds = 0.2;
  Guest guest(config);
  ASSERT_TRUE(guest.isolate->load(compileOk(kBusyMain)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  guest.isolate->setTimeout(30);
  Result<int> status = guest.isolate->runMain({});
  ASSERT_TRUE(status) << status.error().render();
}

TEST(ApiLimits, AnIdleGuestPastItsTimeoutFailsItsNextRun) {
  IsolateConfig config;
  config.timeoutSeconds = 0.2;
  Guest guest(config);
  ASSERT_TRUE(guest.isolate->load(compileOk(kBusyMain)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Result<int> status = guest.isolate->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().limit, Error::Limit::Time);
}

TEST(ApiLimits, SetFuelGivesFuelFromNow) {
  IsolateConfig config;
  config.fuel = 1000; // enough for loading, not for main
  Guest guest(config);
  ASSERT_TRUE(guest.isolate->load(compileOk(kBusyMain)));
  guest.isolate->setFuel(100000000);
  Result<int> status = guest.isolate->runMain({});
  ASSERT_TRUE(status) << status.error().render();

  Guest short_(config);
  ASSERT_TRUE(short_.isolate->load(compileOk(kBusyMain)));
  short_.isolate->setFuel(50000);
  Result<int> stopped = short_.isolate->runMain({});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "fuel exhausted after 50000 instructions");
  EXPECT_EQ(stopped.error().limit, Error::Limit::Fuel);
}

TEST(ApiLimits, TerminateStopsARunawayGuestFromAnotherThread) {
  Guest guest;
  ASSERT_TRUE(guest.isolate->load(compileOk("fun main() {\n  while (true) { }\n}\n")));
  InterruptHandle handle = guest.isolate->interruptHandle();
  std::thread stopper([handle] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    handle.terminate();
  });
  Result<int> status = guest.isolate->runMain({});
  stopper.join();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().errorClass, "LimitError");
  EXPECT_EQ(status.error().message, "terminated by the host");
  EXPECT_EQ(status.error().limit, Error::Limit::Terminated);
  EXPECT_EQ(status.error().trace, (std::vector<std::string>{"at main (app.nuri:2)"}));
}

// Terminates a guest inside a 2 GB repeat, then exits with 0 if it stopped in time. Run in a
// child process: the abandoned string's memory must not stay in this process's heap.
void terminateLongNativeAndExit() {
  Guest guest;
  if (!guest.isolate->load(compileOk("fun main() {\n"
                                     "  let s = \"ab\".repeat(1000000000)\n"
                                     "}\n"))) {
    std::exit(2);
  }
  std::thread stopper([&guest] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    guest.isolate->terminate();
  });
  auto start = std::chrono::steady_clock::now();
  Result<int> status = guest.isolate->runMain({});
  stopper.join();
  bool inTime = std::chrono::steady_clock::now() - start < std::chrono::seconds(20);
  std::exit(!status && status.error().limit == Error::Limit::Terminated && inTime ? 0 : 1);
}

TEST(ApiLimits, TerminateStopsALongNative) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(terminateLongNativeAndExit(), ::testing::ExitedWithCode(0), "");
}

TEST(ApiLimits, TerminateWhileIdleAppliesToTheNextRun) {
  Guest guest;
  ASSERT_TRUE(guest.isolate->load(compileOk(kBusyMain)));
  guest.isolate->terminate();
  Result<int> status = guest.isolate->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().limit, Error::Limit::Terminated);
}

TEST(ApiLimits, AnInterruptHandleOutlivesItsIsolate) {
  InterruptHandle handle = [] {
    Guest guest;
    return guest.isolate->interruptHandle();
  }();
  handle.terminate(); // nothing to stop: it must neither crash nor reach another guest
  Outcome run = runSource(kBusyMain);
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.status, 94); // the sum of i % 7 below 500000 is 1499994
}

TEST(ApiLimits, TheVmStackSizeIsConfigurable) {
  IsolateConfig config;
  config.stackBytes = 64 << 10;
  config.stackLimitFrames = 1000000;
  Outcome run = runSource("fun down(n: int): int { return n == 0 ? 0 : down(n - 1) + 1 }\n"
                          "println(down(100000))\n",
                          {}, config);
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.errorClass, "StackOverflowError");
  EXPECT_EQ(run.error.message, "the VM stack of 65536 bytes is full");
}

TEST(ApiLimits, AStackThatCannotBeReservedIsReportedByEveryCall) {
  IsolateConfig config;
  config.stackBytes = uint64_t(1) << 50; // more address space than a process has
  Guest guest(config);
  Status loaded = guest.isolate->load(compileOk("println(1)\n"));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message,
            "cannot reserve 1125899906842624 bytes of address space for the VM stack");
  Result<int> status = guest.isolate->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, loaded.error().message);
}

TEST(ApiErrors, AnOutputCallbackThatThrowsIsAGuestErrorAThousandTimes) {
  // The exception stops at the boundary and unwinds the guest's frames: before, each one leaked
  // a frame, and after 999 the isolate answered every call with StackOverflowError.
  IsolateConfig config;
  config.output = [](std::string_view) { throw std::runtime_error("disk on fire"); };
  Program program = compileOk("fun main(): int {\n"
                              "  try { println(1) } catch (e: IOError) { return 7 }\n"
                              "  return 0\n"
                              "}\n");
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  for (int i = 0; i < 1000; i++) { // the same guest, again and again
    Result<int> status = guest->runMain({});
    ASSERT_TRUE(status) << i << ": " << status.error().render();
    ASSERT_EQ(*status, 7);
  }
  std::unique_ptr<Isolate> isolate = runtime.newIsolate(config);
  Status loaded = isolate->load(compileOk("println(1)\n"));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().errorClass, "IOError");
  EXPECT_EQ(loaded.error().message, "the host's output failed: disk on fire");
  EXPECT_EQ(loaded.error().trace, (std::vector<std::string>{"at <module> (app.nuri:1)"}));
}

TEST(ApiLimits, FuelIsEnoughForAShortProgram) {
  IsolateConfig config;
  config.fuel = 10000;
  Outcome run = runSource("var s = 0\nfor (i in 0..100) { s += i }\nprintln(s)\n", {}, config);
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "4950\n");
}

TEST(ApiLimits, FuelCountsCallsToo) {
  IsolateConfig config;
  config.fuel = 5000;
  Outcome run = runSource("fun f(n: int): int { return n < 2 ? n : f(n - 1) + f(n - 2) }\n"
                          "println(f(30))\n",
                          {}, config);
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.errorClass, "LimitError");
  EXPECT_EQ(run.error.message, "fuel exhausted after 5000 instructions");
}

TEST(ApiLimits, StackLimitRaisesStackOverflowError) {
  IsolateConfig config;
  config.stackLimitFrames = 100;
  Outcome run = runSource("fun down(n: int): int { return down(n + 1) + 1 }\n"
                          "fun main() { println(down(0)) }\n",
                          {}, config);
  ASSERT_TRUE(run.loaded) << run.error.render();
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.error.errorClass, "StackOverflowError");
  EXPECT_EQ(run.error.message, "call depth exceeded the limit of 100 frames");
  ASSERT_FALSE(run.error.trace.empty());
  EXPECT_EQ(run.error.trace.front(), "at down (app.nuri:1)");
  EXPECT_EQ(run.error.trace.back(), "at main (app.nuri:2)");
}

TEST(ApiLimits, RecursionThroughToStringIsAStackOverflowError) {
  // println's text calls toString, which interpolates `this`, which calls toString ...: each
  // level is an ordinary call on the VM stack, bounded by the stack limit.
  Outcome run = runSource("class A {\n"
                          "  fun toString(): string { return \"A(${this})\" }\n"
                          "}\n"
                          "println(A())\n");
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.errorClass, "StackOverflowError");
  EXPECT_EQ(run.error.message, "call depth exceeded the limit of 10000 frames");
  ASSERT_GE(run.error.trace.size(), 3u);
  EXPECT_EQ(run.error.trace.front(), "at A.toString (app.nuri:2)");
  EXPECT_EQ(run.error.trace.back(), "at <module> (app.nuri:4)");
  EXPECT_LT(run.error.trace.size(), 100u) << "the trace of a deep stack is shortened";
  bool elided = false;
  for (const std::string& line : run.error.trace)
    elided |= line.rfind("... ", 0) == 0 && line.find(" more frames ...") != std::string::npos;
  EXPECT_TRUE(elided);
}

TEST(ApiLimits, TimeoutsBeyondTheClocksRangeMeanNoDeadline) {
  // 1e10 s is past the steady clock's range in nanoseconds: the deadline must not overflow
  // into the past.
  for (double seconds : {1e10, 1e300, std::numeric_limits<double>::infinity()}) {
    IsolateConfig config;
    config.timeoutSeconds = seconds;
    Outcome run = runSource("var n = 0\nfor (i in 0..100000) { n += i }\nprintln(n)\n", {}, config);
    EXPECT_TRUE(run.loaded) << seconds << ": " << run.error.message;
    EXPECT_EQ(run.output, "4999950000\n") << seconds;
  }
}

TEST(ApiLimits, DeepButFiniteRecursionWithinTheLimit) {
  IsolateConfig config;
  config.stackLimitFrames = 1000;
  Outcome run = runSource("fun depth(n: int): int { return n == 0 ? 0 : 1 + depth(n - 1) }\n"
                          "println(depth(990))\n",
                          {}, config);
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "990\n");
}

TEST(ApiLimits, HeapLimitRaisesLimitError) {
  IsolateConfig config;
  config.heapLimitBytes = 4 << 20;
  Outcome run = runSource("fun main() {\n"
                          "  var keep = new int[100000][]\n"
                          "  for (i in 0..100000) { keep[i] = new int[1000] }\n"
                          "  println(\"done\")\n"
                          "}\n",
                          {}, config);
  ASSERT_TRUE(run.loaded) << run.error.render();
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.output, "");
  EXPECT_EQ(run.error.errorClass, "LimitError");
  EXPECT_EQ(run.error.message, "heap limit of 4M exceeded");
  EXPECT_EQ(run.error.trace, (std::vector<std::string>{"at main (app.nuri:3)"}));
}

TEST(ApiLimits, OneAllocationLargerThanTheHeapLimit) {
  IsolateConfig config;
  config.heapLimitBytes = 1 << 20;
  Outcome run = runSource("let big = new float[1000000]\n", {}, config);
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.errorClass, "LimitError");
  EXPECT_EQ(run.error.message.rfind("heap limit of 1M exceeded", 0), 0u) << run.error.message;
}

// The heap limit bounds what a guest can make the host allocate, also inside natives: a
// huge `repeat` must fail before the native builds the text. In a child process, whose peak
// memory is measured.
[[noreturn]] void hugeRepeatAndExit() {
  IsolateConfig config;
  config.heapLimitBytes = 16 << 20;
  Outcome run = runSource("let s = \"x\".repeat(600000000)\nprintln(s.length)\n", {}, config);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  long peakMb = usage.ru_maxrss / 1024;
  std::cerr << run.error.errorClass << ": " << run.error.message << "\n"
            << "peak memory within 200 MB: " << (peakMb < 200 ? "yes" : "no") << " (" << peakMb
            << " MB)\n";
  std::exit(0);
}

TEST(ApiLimits, HeapLimitAlsoBoundsNativeTemporaries) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(hugeRepeatAndExit(), ::testing::ExitedWithCode(0),
              "LimitError: heap limit of 16M exceeded.*\npeak memory within 200 MB: yes");
}

TEST(ApiLimits, GarbageDoesNotCountAgainstTheHeapLimit) {
  IsolateConfig config;
  config.heapLimitBytes = 8 << 20;
  Outcome run = runSource("var total = 0\n"
                          "for (i in 0..2000) { let tmp = new int[1000]; total += tmp.length }\n"
                          "println(total)\n",
                          {}, config);
  ASSERT_TRUE(run.ran) << run.error.render();
  EXPECT_EQ(run.output, "2000000\n");
}

// ---- Per-guest heap accounting ----

// Holds `args[0]` MB in a global (1 MB arrays), then makes as much garbage again.
const char* kHolder = "var kept: int[][] = null\n"
                      "fun main(args: string[]): int {\n"
                      "  let mb = args[0].toInt()\n"
                      "  kept = new int[mb][]\n"
                      "  for (i in 0..mb) { kept[i] = new int[131070] }\n" // 1 MB with its header
                      "  var garbage = 0\n"
                      "  for (i in 0..mb * 4) { garbage += new int[32768].length }\n"
                      "  return kept.length\n"
                      "}\n";

IsolateConfig heapLimit(uint64_t bytes) {
  IsolateConfig config;
  config.heapLimitBytes = bytes;
  return config;
}

TEST(ApiHeap, TwoGuestsHoldingFortyMegabytesEachUnderASixtyFourMegabyteLimitBothRun) {
  Program p = compileOk(kHolder);
  Guest a(heapLimit(64 << 20)), b(heapLimit(64 << 20)), c(heapLimit(64 << 20));
  ASSERT_TRUE(a.isolate->load(p));
  ASSERT_TRUE(b.isolate->load(p));
  ASSERT_TRUE(c.isolate->load(p));
  Result<int> first = a.isolate->runMain({"40"});
  ASSERT_TRUE(first) << first.error().render();
  Result<int> second = b.isolate->runMain({"40"}); // 80 MB live in the process
  ASSERT_TRUE(second) << second.error().render();
  EXPECT_EQ(*first, 40);
  EXPECT_EQ(*second, 40);
  // A third that needs 70 MB fails alone.
  Result<int> third = c.isolate->runMain({"70"});
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().errorClass, "LimitError");
  EXPECT_EQ(third.error().limit, Error::Limit::Heap);
  EXPECT_EQ(third.error().message, "heap limit of 64M exceeded");
  // The first two still hold what they made.
  Stats sa = a.isolate->stats(), sb = b.isolate->stats();
  EXPECT_GE(sa.liveBytes, 40u << 20);
  EXPECT_LE(sa.liveBytes, 41u << 20);
  EXPECT_GE(sb.liveBytes, 40u << 20);
  EXPECT_LE(sb.liveBytes, 41u << 20);
}

TEST(ApiHeap, AGuestThatMakesOnlyGarbageRunsBesideAGuestHoldingMuchMoreThanItsLimit) {
  Guest holder; // no limit: holds 48 MB
  ASSERT_TRUE(holder.isolate->load(compileOk(kHolder)));
  ASSERT_TRUE(holder.isolate->runMain({"48"}));
  Guest small(heapLimit(16 << 20));
  Program garbage = compileOk("fun main(): int {\n"
                              "  var total = 0\n"
                              "  for (i in 0..20000) { total += new int[4000].length }\n" // 640 MB
                              "  return total / 1000\n"
                              "}\n");
  ASSERT_TRUE(small.isolate->load(garbage));
  Result<int> status = small.isolate->runMain({});
  ASSERT_TRUE(status) << status.error().render();
  EXPECT_EQ(*status, 80000);
  Stats stats = small.isolate->stats();
  EXPECT_GT(stats.heapWalks, 0u);
  // A walk is made after an eighth of the limit at least: 640 MB of garbage, at most 40 walks.
  EXPECT_LE(stats.heapWalks, 41u);
  EXPECT_LT(stats.liveBytes, 1u << 20);
  EXPECT_GE(holder.isolate->stats().liveBytes, 48u << 20);
}

TEST(ApiHeap, StatsCountTheLiveObjectsOfAKnownGraph) {
  Program none = compileOk("var words: string[] = null\n"
                           "fun main() { words = null; let w = \"w\" }\n");
  Program thousand = compileOk("var words: string[] = null\n"
                               "fun main() {\n"
                               "  words = new string[1000]\n"
                               "  for (i in 0..1000) { words[i] = \"w\" + (1000 + i) }\n"
                               "}\n");
  Guest a, b;
  ASSERT_TRUE(a.isolate->load(none));
  ASSERT_TRUE(b.isolate->load(thousand));
  ASSERT_TRUE(a.isolate->runMain({}));
  ASSERT_TRUE(b.isolate->runMain({}));
  Stats without = a.isolate->stats(), with = b.isolate->stats();
  // The array and its strings; the programs' constants are the same.
  EXPECT_EQ(with.liveObjects, without.liveObjects + 1001);
  // A string of 5 bytes takes 24 + 6 bytes and the collector's extra byte: 32. The array takes
  // 16 + 8000 bytes, rounded up.
  uint64_t added = with.liveBytes - without.liveBytes;
  EXPECT_GE(added, 1000u * 32 + 8016);
  EXPECT_LE(added, 1000u * 32 + 8016 + 4096);
  std::vector<TypeStats> types = b.isolate->liveObjectsByType();
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types[0].type, "string"); // largest first
  bool sawArray = false;
  for (const TypeStats& t : types) {
    if (t.type != "string[]") continue;
    sawArray = true;
    EXPECT_EQ(t.objects, 1u);
    EXPECT_GE(t.bytes, 8016u);
  }
  EXPECT_TRUE(sawArray);
}

TEST(ApiHeap, IdentityHashesDoNotDependOnAddressesAndSurviveCollections) {
  Program p = compileOk("class Key {\n"
                        "  let id: int\n"
                        "  init(id: int) { this.id = id }\n"
                        "}\n"
                        "let keys = new Key[200]\n"
                        "let squares = Map<Key, int>()\n"
                        "for (i in 0..200) { keys[i] = Key(i); squares.put(keys[i], i * i) }\n"
                        "fun main(): int {\n"
                        "  var garbage = 0\n"
                        "  for (i in 0..20000) { garbage += Key(i).id }\n"
                        "  var sum = 0\n"
                        "  for (i in 0..200) { sum += squares.get(keys[i], -1000000) }\n"
                        "  println(hashOf(keys[0]))\n"
                        "  println(hashOf(keys[199]))\n"
                        "  println(squares.containsKey(Key(7)))\n" // another object: not found
                        "  return sum == 2646700 ? 1 : 0\n"
                        "}\n");
  Guest a, b;
  ASSERT_TRUE(a.isolate->load(p));
  std::vector<char*> kept;
  for (int i = 0; i < 1000; i++) // b's objects land elsewhere than a's
    kept.push_back(static_cast<char*>(gc::allocate(64)));
  ASSERT_TRUE(b.isolate->load(p));
  gc::collect();
  gc::collect();
  Result<int> ra = a.isolate->runMain({});
  gc::collect();
  Result<int> rb = b.isolate->runMain({});
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(*ra, 1);
  EXPECT_EQ(*rb, 1);
  EXPECT_EQ(a.out, b.out); // the same hashes at other addresses
  EXPECT_TRUE(a.out.ends_with("\nfalse\n")) << a.out;
  EXPECT_NE(a.out.substr(0, a.out.find('\n')), "0");
}

TEST(ApiHeap, ANestedArrayBeingFilledCountsTowardsTheLimit) {
  // The outer array is held only by the VM while its rows are made.
  Outcome run = runSource("let grid = new int[100][1000000]\n", {}, heapLimit(64 << 20));
  ASSERT_FALSE(run.loaded);
  EXPECT_EQ(run.error.limit, Error::Limit::Heap);
  EXPECT_EQ(run.error.message, "heap limit of 64M exceeded");
}

// ---- Isolates ----

TEST(ApiIsolates, TwoIsolatesHaveSeparateGlobals) {
  Program p = compileOk("var counter = 0\n"
                        "fun main(args: string[]): int {\n"
                        "  counter += args.length\n"
                        "  println(counter)\n"
                        "  return counter\n"
                        "}\n");
  Guest a, b;
  ASSERT_TRUE(a.isolate->load(p));
  ASSERT_TRUE(b.isolate->load(p));
  Result<int> r1 = a.isolate->runMain({"x", "y", "z"});
  Result<int> r2 = b.isolate->runMain({"x"});
  Result<int> r3 = a.isolate->runMain({"x"});
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(*r1, 3);
  EXPECT_EQ(*r2, 1);
  EXPECT_EQ(*r3, 4);
  EXPECT_EQ(a.out, "3\n4\n");
  EXPECT_EQ(b.out, "1\n");
}

// Two guests running at the same time on two threads give the results they give alone. In a
// child process: see GuestOnAnEmbedderThreadCanCollect for what a collection on a thread does.
[[noreturn]] void twoThreadsAndExit() {
  Program p = compileOk("fun main(args: string[]): int {\n"
                        "  var s = 0\n"
                        "  for (i in 0..200000) { s = (s + i * args.length) % 1000003 }\n"
                        "  let parts = new string[100]\n"
                        "  for (i in 0..100) { parts[i] = \"p\" + i }\n"
                        "  println(parts.join(\"\").length)\n"
                        "  return s % 256\n"
                        "}\n");
  Outcome expected1 = runProgram(p, {"a"});
  Outcome expected2 = runProgram(p, {"a", "b"});
  Outcome got1, got2;
  std::thread t1([&] { got1 = runProgram(p, {"a"}); });
  std::thread t2([&] { got2 = runProgram(p, {"a", "b"}); });
  t1.join();
  t2.join();
  bool same = expected1.ran && expected2.ran && got1.output == expected1.output &&
              got1.status == expected1.status && got2.output == expected2.output &&
              got2.status == expected2.status;
  std::cerr << "output=" << got1.output << "same=" << same << "\n";
  std::exit(0);
}

TEST(ApiIsolates, IsolatesOnTwoThreads) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(twoThreadsAndExit(), ::testing::ExitedWithCode(0), "output=290\nsame=1\n");
}

// An embedder runs a guest on its own thread (DESIGN.md: each isolate on its own thread) and the
// guest needs collections there. Run in a child process: the collector aborts the process when
// it is asked to collect from a thread it does not know.
[[noreturn]] void collectOnAnotherThreadAndExit() {
  Program p = compileOk("var total = 0\n"
                        "for (i in 0..3000) { let tmp = new int[1000]; total += tmp.length }\n"
                        "println(total)\n");
  IsolateConfig config;
  config.heapLimitBytes = 4 << 20; // makes the isolate collect to measure what is live
  Outcome got;
  std::thread worker([&] { got = runProgram(p, {}, config); });
  worker.join();
  std::cerr << "output=" << got.output << (got.ran ? "" : got.error.render());
  std::exit(0);
}

TEST(ApiIsolates, GuestOnAnEmbedderThreadCanCollect) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(collectOnAnotherThreadAndExit(), ::testing::ExitedWithCode(0), "output=3000000\n");
}

TEST(ApiIsolates, LoadTwiceIsAUsageError) {
  Program p = compileOk("println(\"once\")\n");
  Guest guest;
  ASSERT_TRUE(guest.isolate->load(p));
  Status again = guest.isolate->load(p);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, Error::Kind::Usage);
  EXPECT_EQ(again.error().message, "an isolate can load only one program");
  EXPECT_EQ(again.error().render(), "error: an isolate can load only one program\n");
  EXPECT_EQ(guest.out, "once\n"); // the second load ran nothing
}

TEST(ApiIsolates, RunBeforeLoadAndEmptyProgramAreUsageErrors) {
  Guest guest;
  Result<int> r = guest.isolate->runMain({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Error::Kind::Usage);
  EXPECT_EQ(r.error().message, "load a program before running it");
  Status s = guest.isolate->load(Program());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, Error::Kind::Usage);
  EXPECT_EQ(s.error().message, "empty program");
}

TEST(ApiIsolates, StatsCountInstructionsAndAllocations) {
  Program p = compileOk("var s = \"\"\nfor (i in 0..10) { s = s + i }\nprintln(s)\n");
  Guest guest;
  ASSERT_TRUE(guest.isolate->load(p));
  Stats stats = guest.isolate->stats();
  EXPECT_GT(stats.instructions, 30u);
  EXPECT_GE(stats.allocations, 10u);
  EXPECT_GT(stats.allocatedBytes, 0u);
  EXPECT_GE(stats.seconds, 0.0);
  EXPECT_EQ(guest.out, "0123456789\n");
}

// With the collector running at every allocation, a program prints exactly what it prints
// normally: no object the VM still needs is reachable only from memory the collector ignores.
TEST(ApiGcStress, ProgramsRunIdenticallyWhenCollectingAtEveryAllocation) {
  Program p = compileOk(
      "class Node {\n"
      "  var label: string\n"
      "  var next: Node\n"
      "  init(label: string, next: Node) { this.label = label; this.next = next }\n"
      "  fun toString(): string { return next == null ? label : label + \"->\" + next }\n"
      "}\n"
      "fun main(args: string[]): int {\n"
      "  var list: Node = null\n"
      "  for (i in 0..20) { let made = Node(\"n\" + i * 3, list); list = made }\n"
      "  println(list)\n"
      "  let words = \"the quick brown fox jumps over the lazy dog\".split(\" \")\n"
      "  let sb = StringBuilder()\n"
      "  for (w in words) { sb.append(w.upper()).append(w.length).append(\",\") }\n"
      "  println(sb.toString())\n"
      "  let grid = new string[4][5]\n"
      "  for (r in 0..4) { for (c in 0..5) { grid[r][c] = \"${r}:${c}\" } }\n"
      "  var joined = \"\"\n"
      "  for (row in grid) { joined = joined + row.join(\"|\") + \";\" }\n"
      "  println(joined)\n"
      "  println([1.5, 2.25, 1e300 * 10.0].copy())\n"
      "  println(\"Straße\".upper() + \" \" + \"ÀÉÎ\".lower() + \" \" + args[0].repeat(3))\n"
      "  return words.length\n"
      "}\n");
  Outcome normal = runProgram(p, {"ab"});
  ASSERT_TRUE(normal.ran) << normal.error.render();
  bool saved = gc::stressMode();
  gc::setStressMode(true);
  Outcome stressed = runProgram(p, {"ab"});
  gc::setStressMode(saved);
  ASSERT_TRUE(stressed.ran) << stressed.error.render();
  EXPECT_EQ(stressed.output, normal.output);
  EXPECT_EQ(stressed.status, 9);
  EXPECT_EQ(normal.output.substr(0, 20), "n57->n54->n51->n48->");
}

TEST(ApiVersion, MatchesTheProject) { EXPECT_STREQ(version(), NURI_VERSION); }

} // namespace
} // namespace nuri

namespace nuri {
namespace {

TEST(ApiOutput, AClosedOutputStopsTheGuestLikeExitZero) {
  std::string out;
  IsolateConfig config;
  config.output = [&out](std::string_view text) {
    out.append(text);
    return out.size() < 6; // the reader goes away after three lines
  };
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  // Neither catch nor finally sees the stop.
  Status loaded = guest->load(compileOk("var i = 0\n"
                                        "while (true) {\n"
                                        "    try { println(i) } catch (e: Error) { }\n"
                                        "    finally { i += 1 }\n"
                                        "}\n"
                                        "fun main(): int { return 3 }\n"));
  ASSERT_TRUE(loaded) << loaded.error().render();
  EXPECT_EQ(out, "0\n1\n2\n");
  EXPECT_EQ(guest->exitStatus(), 0);
  Result<int> status = guest->runMain({});
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0);
}

TEST(ApiOutput, ASinkWithoutAResultKeepsTakingOutput) {
  std::string out;
  IsolateConfig config;
  config.output = [&out](std::string_view text) { out.append(text); };
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(compileOk("for (i in 0..3) { println(i) }\n")));
  EXPECT_EQ(out, "0\n1\n2\n");
  EXPECT_EQ(guest->exitStatus(), std::nullopt);
}

} // namespace
} // namespace nuri
