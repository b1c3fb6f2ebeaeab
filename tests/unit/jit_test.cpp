// The JIT (docs/jit.md): compiled code behaves exactly as the interpreter does, down to the
// instruction count at every suspension point.
#include <gtest/gtest.h>

#include <memory>

#include <pthread.h>
#include <string>
#include <vector>

#include "jit/emitter.h"
#include "nuri/nuri.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

// Loops (counted, while, nested), calls (static, virtual, interface, closures, recursion),
// fields, arrays, strings, floats, exceptions thrown through compiled frames and caught.
const char* const kProgram = R"(
interface Shape { fun area(): float }
class Square implements Shape {
  var side: float
  init(side: float) { this.side = side }
  fun area(): float { return this.side * this.side }
}
class Circle implements Shape {
  var r: float
  init(r: float) { this.r = r }
  fun area(): float { return 3.0 * this.r * this.r }
}
fun fib(n: int): int {
  if (n < 2) { return n }
  return fib(n - 1) + fib(n - 2)
}
fun mix(a: int, b: int): int { return (a * 31 + b) % 1000 }
fun half(x: float): float { return x > 1.0 ? x / 2.0 : x }
fun risky(i: int): int {
  if (i % 5 == 4) { throw ValueError("bad " + i) }
  return 100 / (i % 3)
}
fun main() {
  var total = 0
  for (i in 0..300) { total = total + i * i % 7 }
  println(total)
  println(fib(15))
  var m = 7
  var h = 1000.0
  for (k in 0..30) {
    m = mix(m, k)
    h = half(h) + 0.25
  }
  println(m)
  println(h)
  let shapes: Shape[] = [Square(2.0), Circle(1.5), Square(0.5)]
  var area = 0.0
  for (k in 0..50) { area = area + shapes[k % 3].area() }
  println(area)
  var caught = 0
  for (i in 0..40) {
    try { total = total + risky(i) } catch (e: Error) { caught = caught + 1 }
  }
  println(total)
  println(caught)
  var add = { x: int -> x + total }
  var s = ""
  var j = 0
  while (j < 20) { s = s + add(j) % 10; j = j + 1 }
  println(s)
}
)";

Program compileOk(const std::string& source) {
  Result<Program> p = compileSource(source, "main.nuri");
  EXPECT_TRUE(p) << (p ? "" : p.error().render());
  return p ? *p : Program();
}

struct SlicedRun {
  std::string output;
  std::vector<uint64_t> counts; // the instruction count at each suspension, then at the end
  std::string error;
};

// Runs main in slices of `fuel` instructions, suspending and resuming.
SlicedRun runInSlices(const Program& program, JitMode mode, uint32_t threshold, uint64_t fuel) {
  SlicedRun run;
  IsolateConfig config;
  config.output = [&run](std::string_view text) { run.output.append(text); };
  config.jit = mode;
  config.jitThreshold = threshold;
  config.suspendOnLimit = true;
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  if (!guest->load(program)) return run;
  guest->setFuel(fuel);
  Result<int> status = guest->runMain({});
  Result<Value> r = Value();
  bool suspended = !status && status.error().kind == Error::Kind::Suspended;
  if (!status && !suspended) run.error = status.error().render();
  while (suspended) {
    run.counts.push_back(guest->stats().instructions);
    guest->setFuel(fuel);
    r = guest->resume();
    suspended = !r && r.error().kind == Error::Kind::Suspended;
    if (!r && !suspended) run.error = r.error().render();
  }
  run.counts.push_back(guest->stats().instructions);
  return run;
}

// Runs main to its end in one go.
struct WholeRun {
  std::string output;
  Stats stats;
};
WholeRun runWhole(const Program& program, JitMode mode,
                  uint64_t codeLimit = IsolateConfig{}.jitCodeLimitBytes) {
  WholeRun run;
  IsolateConfig config;
  config.output = [&run](std::string_view text) { run.output.append(text); };
  config.jit = mode;
  config.jitCodeLimitBytes = codeLimit;
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  EXPECT_TRUE(guest->load(program));
  EXPECT_TRUE(guest->runMain({}));
  run.stats = guest->stats();
  return run;
}

TEST(Jit, EveryOpcodeIsCompiledNativelyOrAsAStep) {
  for (uint32_t op = 0; op < kOpcodeCount; op++) {
    jit::Strategy s = jit::strategyFor(Opcode(op));
    EXPECT_TRUE(s == jit::Strategy::Native || s == jit::Strategy::Step) << opcodeInfo(op).name;
    // Calls enter frames, which only the step's call path knows how to do.
    if (opcodeInfo(op).flags & F_CALL) {
      EXPECT_EQ(s, jit::Strategy::Step) << opcodeInfo(op).name;
    }
  }
}

TEST(Jit, CountsAtEverySuspensionPointMatchTheInterpreter) {
  Program program = compileOk(kProgram);
  for (uint64_t fuel : {1ull, 3ull, 17ull, 100ull, 997ull}) {
    SlicedRun interpreted = runInSlices(program, JitMode::Off, 1, fuel);
    ASSERT_TRUE(interpreted.error.empty()) << interpreted.error;
    for (auto [mode, threshold] :
         {std::pair{JitMode::Always, 1u}, {JitMode::Auto, 1u}, {JitMode::Auto, 3u}}) {
      SlicedRun compiled = runInSlices(program, mode, threshold, fuel);
      EXPECT_EQ(compiled.output, interpreted.output) << "fuel " << fuel;
      EXPECT_EQ(compiled.counts, interpreted.counts) << "fuel " << fuel;
      EXPECT_EQ(compiled.error, interpreted.error);
    }
  }
}

TEST(Jit, AGuestSuspendedInCompiledCodeContinuesInAnotherRuntimeWithoutTheJit) {
  Program program = compileOk(kProgram);
  SlicedRun expected = runInSlices(program, JitMode::Off, 1, 1000000);
  std::string output;
  IsolateConfig config;
  config.output = [&output](std::string_view text) { output.append(text); };
  config.jit = JitMode::Always;
  config.suspendOnLimit = true;
  config.fuel = 2500;
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  guest->setFuel(2500);
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  ASSERT_EQ(status.error().kind, Error::Kind::Suspended);
  EXPECT_GT(guest->stats().jitFunctions, 0u);
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes) << bytes.error().render();
  Runtime other;
  IsolateConfig restored;
  restored.output = config.output;
  restored.jit = JitMode::Off;
  Result<std::unique_ptr<Isolate>> clone = other.restore(*bytes, restored);
  ASSERT_TRUE(clone) << clone.error().render();
  Result<Value> r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(output, expected.output);
  EXPECT_EQ((*clone)->stats().instructions, expected.counts.back());
}

TEST(Jit, DeepRecursionAndStackOverflowAsInTheInterpreter) {
  Program program = compileOk(R"(
fun depth(n: int): int {
  if (n == 0) { return 0 }
  return 1 + depth(n - 1)
}
fun main() {
  println(depth(9000))
  println(depth(20000))
}
)");
  for (JitMode mode : {JitMode::Off, JitMode::Always}) {
    std::string output;
    IsolateConfig config;
    config.output = [&output](std::string_view text) { output.append(text); };
    config.jit = mode;
    config.stackLimitFrames = 10000;
    Runtime runtime;
    std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
    ASSERT_TRUE(guest->load(program));
    Result<int> status = guest->runMain({});
    EXPECT_EQ(output, "9000\n");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().errorClass, "StackOverflowError");
    EXPECT_EQ(status.error().message, "call depth exceeded the limit of 10000 frames");
  }
}

// Compiled calls nest on the machine stack only as far as the thread's stack allows: deep
// recursion on a host thread with a small stack runs as it does on the main thread.
TEST(Jit, DeepRecursionOnAThreadWithASmallStack) {
  Program program = compileOk(R"(
fun depth(n: int): int {
  if (n == 0) { return 0 }
  return 1 + depth(n - 1)
}
fun main() { println(depth(9000)) }
)");
  struct Job {
    const Program* program;
    std::string output;
    bool ok = false;
  } job{&program, {}, false};
  auto body = [](void* argument) -> void* {
    Job& job = *static_cast<Job*>(argument);
    IsolateConfig config;
    config.output = [&job](std::string_view text) { job.output.append(text); };
    config.jit = JitMode::Always;
    Runtime runtime;
    std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
    job.ok = guest->load(*job.program) && guest->runMain({});
    return nullptr;
  };
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 256u << 10);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attributes, body, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  EXPECT_TRUE(job.ok);
  EXPECT_EQ(job.output, "9000\n");
}

// Each configuration of the stack limits gives the same error, at the same call, with the same
// trace, interpreted and compiled: a call (inlined or not) is refused exactly where the
// interpreter refuses it.
TEST(Jit, StackLimitsStopTheSameCallAsInTheInterpreter) {
  Program program = compileOk(R"(
fun leaf(a: int, b: int, c: int): int { return a * 2 + b - c }
fun deep(n: int, a: int, b: int, c: int, d: int, e: int): int {
  let x = leaf(n, a, b)
  return deep(n + 1, a, b, c, d, e) + x
}
fun main() { println(deep(0, 1, 2, 3, 4, 5)) }
)");
  for (auto [frames, bytes] : {std::pair{200u, uint64_t(0)}, {100000u, uint64_t(64) << 10}}) {
    std::vector<Error> errors;
    for (JitMode mode : {JitMode::Off, JitMode::Always}) {
      IsolateConfig config;
      config.output = [](std::string_view) {};
      config.jit = mode;
      config.stackLimitFrames = frames;
      config.stackBytes = bytes;
      Runtime runtime;
      std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
      ASSERT_TRUE(guest->load(program));
      Result<int> status = guest->runMain({});
      ASSERT_FALSE(status);
      errors.push_back(status.error());
    }
    EXPECT_EQ(errors[1].errorClass, errors[0].errorClass);
    EXPECT_EQ(errors[1].message, errors[0].message);
    EXPECT_EQ(errors[1].trace, errors[0].trace);
  }
}

TEST(Jit, FunctionsPastTheCodeLimitStayInterpreted) {
  Program program = compileOk(kProgram);
  SlicedRun expected = runInSlices(program, JitMode::Off, 1, 1000000);
  WholeRun run = runWhole(program, JitMode::Always, /*codeLimit=*/600); // a function or two
  EXPECT_EQ(run.output, expected.output);
  EXPECT_LE(run.stats.jitCodeBytes, 600u);
  EXPECT_EQ(run.stats.instructions, expected.counts.back());
}

TEST(Jit, ACodeLimitOfZeroIsNoLimit) {
  ASSERT_TRUE(jitAvailable());
  Program program = compileOk(kProgram);
  WholeRun run = runWhole(program, JitMode::Always, /*codeLimit=*/0);
  EXPECT_GT(run.stats.jitFunctions, 2u);
  EXPECT_EQ(run.stats.jitDumpedFunctions, 0u);
}

// Objects, cells and closures taken inline from the isolate's free lists are counted exactly
// as the interpreter counts them, in number, bytes and the work that spends fuel.
TEST(Jit, InlineAllocationsAreCountedAsInTheInterpreter) {
  Program program = compileOk(R"(
class Pair {
  var a: Pair
  var b: int
  init(a: Pair, b: int) { this.a = a; this.b = b }
}
fun main() {
  var chain: Pair = null
  var sum = 0
  for (i in 0..5000) {
    chain = Pair(i % 100 == 0 ? null : chain, i)
    var captured = i
    let f = { x: int -> x + captured }
    captured = captured + 1
    sum = sum + f(chain.b)
  }
  println(sum)
}
)");
  WholeRun interpreted = runWhole(program, JitMode::Off);
  WholeRun compiled = runWhole(program, JitMode::Always);
  EXPECT_GE(interpreted.stats.allocations, 15000u); // a pair, a cell and a closure per iteration
  EXPECT_EQ(compiled.output, interpreted.output);
  EXPECT_EQ(compiled.stats.allocations, interpreted.stats.allocations);
  EXPECT_EQ(compiled.stats.allocatedBytes, interpreted.stats.allocatedBytes);
  EXPECT_EQ(compiled.stats.instructions, interpreted.stats.instructions);
  for (uint64_t fuel : {7ull, 1000ull}) {
    SlicedRun interpreted = runInSlices(program, JitMode::Off, 1, fuel);
    SlicedRun compiled = runInSlices(program, JitMode::Always, 1, fuel);
    EXPECT_EQ(compiled.output, interpreted.output);
    EXPECT_EQ(compiled.counts, interpreted.counts) << "fuel " << fuel;
  }
}

// String comparisons and natives called directly from compiled code charge the work their
// strings mean, which spends fuel and brings limit checks forward, exactly as interpreted.
TEST(Jit, WorkOfStringComparisonsAndNativesCountsAsInTheInterpreter) {
  Program program = compileOk(R"(
fun main() {
  var big = "ab"
  for (i in 0..20) { big = big + big }   // 2 MB
  let copy = big.substring(0, big.length)
  var same = 0
  var length = 0
  for (i in 0..24) { if (big == copy) { same = same + 1 } }
  for (i in 0..24) { if (big != copy) { same = same + 1 } }
  for (i in 0..24) { length = length + big.indexOf("b") + copy.length }
  println(same)
  println(length)
}
)");
  for (uint64_t fuel : {5ull, 50ull, 100000ull}) {
    SlicedRun interpreted = runInSlices(program, JitMode::Off, 1, fuel);
    ASSERT_TRUE(interpreted.error.empty()) << interpreted.error;
    EXPECT_EQ(interpreted.output, "24\n50331672\n");
    for (auto [mode, threshold] : {std::pair{JitMode::Always, 1u}, {JitMode::Auto, 2u}}) {
      SlicedRun compiled = runInSlices(program, mode, threshold, fuel);
      EXPECT_EQ(compiled.output, interpreted.output) << "fuel " << fuel;
      EXPECT_EQ(compiled.counts, interpreted.counts) << "fuel " << fuel;
    }
  }
}

TEST(Jit, StatsSayWhatWasCompiled) {
  Program program = compileOk(kProgram);
  EXPECT_EQ(runWhole(program, JitMode::Off).stats.jitFunctions, 0u);
  Stats s = runWhole(program, JitMode::Always).stats;
  EXPECT_GE(s.jitFunctions, 5u); // main, fib, risky, two area methods, ...
  EXPECT_GT(s.jitInstructions, 50u);
  EXPECT_GT(s.jitCodeBytes, s.jitInstructions);
}

} // namespace
} // namespace nuri
