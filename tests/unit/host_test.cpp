// Host modules, nuri::Value and Isolate::call: what a host gives a guest and how it calls in.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "nuri/nuri.h"

namespace nuri {
namespace {

// A module `app` with a function of each kind of signature.
std::shared_ptr<HostModule> appModule() {
  auto app = std::make_shared<HostModule>("app");
  app->function("fun add(a: int, b: int): int",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  return Value(*args[0].asInt() + *args[1].asInt());
                });
  app->function("fun half(x: float): float",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  return Value(*args[0].asFloat() / 2);
                });
  app->function("fun greet(name: string): string",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  if (args[0].isNull()) return Value("hello, nobody");
                  return Value("hello, " + *args[0].asString());
                });
  app->function("fun sum(xs: int[]): int",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  if (args[0].isNull()) return Value(-1);
                  int64_t total = 0;
                  std::optional<std::vector<int64_t>> xs = args[0].asIntArray();
                  for (int64_t x : *xs)
                    total += x;
                  return Value(total);
                });
  app->function("fun squares(n: int): int[]",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  std::vector<int64_t> out;
                  for (int64_t i = 0; i < *args[0].asInt(); i++)
                    out.push_back(i * i);
                  return Value(out);
                });
  app->function("fun grid(): string[][]",
                [](CallContext&, std::span<const Value>) -> Result<Value> {
                  return Value::array({Value(std::vector<std::string>{"a", "b"}), Value(),
                                       Value(std::vector<std::string>{"c"})});
                });
  app->function("fun fail(why: string)",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  Error e;
                  e.message = *args[0].asString();
                  return e;
                });
  app->function("fun explode(): bool", [](CallContext&, std::span<const Value>) -> Result<Value> {
    throw std::runtime_error("the host's disk is on fire");
  });
  app->function("fun liar(): int", [](CallContext&, std::span<const Value>) -> Result<Value> {
    return Value("not an int");
  });
  app->function("fun nothing()",
                [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(); });
  return app;
}

Program compileWith(const std::string& source, std::vector<std::shared_ptr<HostModule>> modules) {
  CompileOptions options;
  options.hostModules = std::move(modules);
  Result<Program> p = compileSource(source, "main.nuri", options);
  EXPECT_TRUE(p) << (p ? "" : p.error().render());
  return p ? *p : Program();
}

struct HostGuest {
  std::string out;
  std::unique_ptr<Isolate> isolate;
  explicit HostGuest(std::vector<std::shared_ptr<HostModule>> granted, IsolateConfig config = {}) {
    config.output = [this](std::string_view text) { out.append(text); };
    config.hostModules = std::move(granted);
    Runtime runtime;
    isolate = runtime.newIsolate(config);
  }
};

// Compiles and loads `source` with `app` granted, then runs main; returns its output.
std::string runWithApp(const std::string& source) {
  auto app = appModule();
  HostGuest guest({app});
  Status loaded = guest.isolate->load(compileWith(source, {app}));
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().render());
  Result<int> status = guest.isolate->runMain({});
  EXPECT_TRUE(status) << (status ? "" : status.error().render());
  return guest.out;
}

TEST(HostModules, CallsByQualifiedAndImportedName) {
  EXPECT_EQ(runWithApp("import app\nfun main() { println(app.add(2, 3)) }\n"), "5\n");
  EXPECT_EQ(runWithApp("import app.{add, half}\nfun main() { println(add(40, 2) + half(3)) }\n"),
            "43.5\n");
}

TEST(HostModules, ArgumentsFollowTheLanguagesConversions) {
  // An int for a float parameter; null for a string; a string with a non-ASCII character.
  EXPECT_EQ(runWithApp("import app\nfun main() {\n  println(app.half(7))\n"
                       "  println(app.greet(null))\n  println(app.greet(\"세계\"))\n}\n"),
            "3.5\nhello, nobody\nhello, 세계\n");
}

TEST(HostModules, ArraysBothWays) {
  EXPECT_EQ(runWithApp("import app\nfun main() {\n  println(app.sum([1, 2, 3, 4]))\n"
                       "  let xs: int[] = null\n  println(app.sum(xs))\n"
                       "  println(app.squares(4))\n  println(app.grid())\n}\n"),
            "10\n-1\n[0, 1, 4, 9]\n[[a, b], null, [c]]\n");
}

TEST(HostModules, AHostFunctionIsAValueToo) {
  EXPECT_EQ(runWithApp("import app\nfun apply(f: (int, int) -> int): int { return f(6, 7) }\n"
                       "fun main() { println(apply(app.add)) }\n"),
            "13\n");
}

TEST(HostModules, ReturnedErrorsAndExceptionsAreCatchableHostErrors) {
  EXPECT_EQ(runWithApp("import app\nfun main() {\n"
                       "  try { app.fail(\"no such user\") } catch (e: HostError) { println(e) }\n"
                       "  try { app.explode() } catch (e: HostError) { println(e.message) }\n"
                       "  try { app.liar() } catch (e: Error) { println(e.message) }\n}\n"),
            "HostError: no such user\nthe host's disk is on fire\n"
            "host function `app.liar` returned a result that does not fit its type int: "
            "expected an int, got a string\n");
}

TEST(HostModules, AThrowingHostFunctionLeavesTheGuestUsable) {
  // An exception from the host once leaked a frame: after 999 the guest only overflowed.
  auto app = appModule();
  HostGuest guest({app});
  ASSERT_TRUE(
      guest.isolate->load(compileWith("import app\nfun boom(): bool { return app.explode() }\n"
                                      "fun ok(n: int): int { return app.add(n, 1) }\n",
                                      {app})));
  for (int i = 0; i < 1000; i++) {
    Result<Value> r = guest.isolate->call("boom");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Error::Kind::Runtime);
    EXPECT_EQ(r.error().errorClass, "HostError");
    EXPECT_EQ(r.error().message, "the host's disk is on fire");
  }
  Result<Value> r = guest.isolate->call("ok", {41});
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 42);
}

TEST(HostModules, TheCompilerChecksCallsAgainstTheSignatures) {
  CompileOptions options;
  options.hostModules = {appModule()};
  Result<Program> p =
      compileSource("import app\nfun main() { app.add(\"x\", 1) }\n", "main.nuri", options);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().diagnostics.find("main.nuri:2:"), std::string::npos) << p.error().diagnostics;
  p = compileSource("import app.{subtract}\nfun main() {}\n", "main.nuri", options);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().diagnostics.find("module `app` has no top-level name `subtract`"),
            std::string::npos)
      << p.error().diagnostics;
  // Without the module, `app` is a file the program cannot read.
  p = compileSource("import app\nfun main() {}\n", "main.nuri");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().diagnostics.find("cannot find module `app`"), std::string::npos);
}

TEST(HostModules, LoadRefusesWhatTheIsolateIsNotGranted) {
  auto app = appModule();
  Program program = compileWith("import app\nfun main() { println(app.add(1, 2)) }\n", {app});
  {
    HostGuest guest({}); // nothing granted
    Status loaded = guest.isolate->load(program);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind, Error::Kind::Load);
    EXPECT_EQ(loaded.error().message,
              "the program imports host module `app` (for `app.add`), which this isolate is not "
              "granted (IsolateConfig::hostModules)");
  }
  {
    auto other = std::make_shared<HostModule>("app"); // no `add`
    other->function("fun sub(a: int, b: int): int",
                    [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(0); });
    HostGuest guest({other});
    Status loaded = guest.isolate->load(program);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().message,
              "the program imports `app.add`, but host module `app` has no function `add`");
  }
  {
    auto other = std::make_shared<HostModule>("app"); // `add` of floats
    other->function(
        "fun add(a: float, b: float): float",
        [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(0.0); });
    HostGuest guest({other});
    Status loaded = guest.isolate->load(program);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().message,
              "the program imports `app.add(int, int): int`, but host module `app` declares "
              "`fun add(a: float, b: float): float`");
  }
}

TEST(HostModules, BytecodeRecordsEachImport) {
  auto app = appModule();
  Program program = compileWith("import app\nfun main() { println(app.add(1, 2)) }\n", {app});
  Result<Program> reloaded = loadBytecode(program.toBytecode(), "main.nbc");
  ASSERT_TRUE(reloaded) << reloaded.error().render();
  EXPECT_NE(reloaded->disassemble().find("native app.add"), std::string::npos);
  HostGuest guest({app});
  ASSERT_TRUE(guest.isolate->load(*reloaded));
  ASSERT_TRUE(guest.isolate->runMain({}));
  EXPECT_EQ(guest.out, "3\n");
}

TEST(HostModules, BadDeclarationsAreReported) {
  auto bad = std::make_shared<HostModule>("bad");
  bad->function("fun f(x: Point): int",
                [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(); });
  ASSERT_EQ(bad->errors().size(), 1u);
  EXPECT_EQ(bad->errors()[0], "host module `bad`: cannot declare `fun f(x: Point): int`: parameter "
                              "`x` has no valid type (types: int, float, bool, string, arrays of "
                              "those, or void for the result)");
  CompileOptions options;
  options.hostModules = {bad};
  Result<Program> p = compileSource("fun main() {}\n", "main.nuri", options);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, Error::Kind::Usage);

  auto twice = std::make_shared<HostModule>("twice");
  auto fn = [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(); };
  twice->function("fun f()", fn).function("fun f(a: int)", fn);
  EXPECT_EQ(twice->errors(), std::vector<std::string>{"host module `twice` declares `f` twice"});
  EXPECT_FALSE(HostModule("not-a-name").errors().empty());
  EXPECT_EQ(appModule()->declarations().front(), "fun add(a: int, b: int): int");
}

TEST(HostModules, AHostFunctionMayNotCallBackIn) {
  auto app = std::make_shared<HostModule>("app");
  app->function("fun reenter(): int", [](CallContext& cx, std::span<const Value>) -> Result<Value> {
    Result<Value> r = cx.isolate().call("one");
    if (!r) return r.error();
    return *r;
  });
  HostGuest guest({app});
  ASSERT_TRUE(guest.isolate->load(
      compileWith("import app\nfun one(): int { return 1 }\nfun main() {\n"
                  "  try { app.reenter() } catch (e: HostError) { println(e.message) }\n}\n",
                  {app})));
  ASSERT_TRUE(guest.isolate->runMain({}));
  EXPECT_EQ(guest.out, "a host function cannot call into the guest that is calling it\n");
}

// ---- Values and calls ----

TEST(Values, KindsAndAccessors) {
  EXPECT_EQ(Value().kind(), Value::Kind::Null);
  EXPECT_EQ(Value(3).kind(), Value::Kind::Int);
  EXPECT_EQ(Value(uint8_t(200)).asInt(), 200);
  EXPECT_EQ(Value(true).kind(), Value::Kind::Bool);
  EXPECT_EQ(Value(2.5).asFloat(), 2.5);
  EXPECT_EQ(Value("abc").kind(), Value::Kind::String); // never a bool
  EXPECT_EQ(Value(std::string_view("abc")).asString(), "abc");
  EXPECT_EQ(Value(3).asFloat(), std::nullopt);
  EXPECT_EQ(Value("3").asInt(), std::nullopt);
  Value xs(std::vector<int64_t>{1, 2});
  EXPECT_EQ(xs.kind(), Value::Kind::Object);
  EXPECT_EQ(xs.asIntArray(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(xs.asStringArray(), std::nullopt);
  // Vectors of anything a Value is made from.
  EXPECT_EQ(Value(std::vector<int>{3, 4}).asIntArray(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(Value(std::vector<float>{0.5f}).asFloatArray(), (std::vector<double>{0.5}));
  EXPECT_EQ(Value(std::vector<bool>{true, false}).asBoolArray(), (std::vector<bool>{true, false}));
  EXPECT_EQ(Value(std::vector<const char*>{"a"}).asStringArray(), (std::vector<std::string>{"a"}));
  // A Result holding a value has no error to give, and says so without throwing.
  Result<Value> ok = Value(1);
  EXPECT_EQ(ok.error().message, "");
  const Result<Value> constant = Value(2);
  EXPECT_EQ(constant->asInt(), 2);
}

const char* const kCallable = R"(
class Point {
  var x: int
  var y: int
  init(x: int, y: int) { this.x = x; this.y = y }
}
fun score(n: int, s: string): int { return n * s.length }
fun scale(x: float): float { return x * 2 }
fun origin(): Point { return Point(0, 0) }
fun shift(p: Point, dx: int): Point { return Point(p.x + dx, p.y) }
fun xOf(p: Point): int { return p.x }
fun names(): string[] { return ["ann", "bo"] }
fun total(xs: int[]): int {
  var t = 0
  for (x in xs) { t += x }
  return t
}
fun depth(grid: int[][]): int { return grid.length * 100 + grid[0].length }
fun fail(): int { return [1][2] }
fun first<T>(xs: T[]): T { return xs[0] }
let one = first([1])
fun quit() { System.exit(3) }
var counter = 0
fun bump(): int { counter += 1; return counter }
)";

struct Called {
  std::unique_ptr<Isolate> isolate;
  Called() {
    Runtime runtime;
    isolate = runtime.newIsolate();
    Result<Program> p = compileSource(kCallable, "app.nuri");
    EXPECT_TRUE(p) << (p ? "" : p.error().render());
    Status loaded = isolate->load(*p);
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().render());
  }
};

TEST(Calls, ScalarsAndStrings) {
  Called g;
  Result<Value> r = g.isolate->call("score", {Value(int64_t(3)), Value("abc")});
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 9);
  r = g.isolate->call("scale", {4}); // an int for a float parameter
  ASSERT_TRUE(r);
  EXPECT_EQ(r->asFloat(), 8.0);
  EXPECT_EQ(g.isolate->call("bump")->asInt(), 1);
  EXPECT_EQ(g.isolate->call("bump")->asInt(), 2); // globals persist between calls
  EXPECT_EQ(g.isolate->call("quit", {}).error().errorClass, "Exit");
  EXPECT_EQ(g.isolate->exitStatus(), 3);
  EXPECT_EQ(g.isolate->call("bump").error().kind, Error::Kind::Usage);
}

TEST(Calls, WrongNameArityOrTypeIsAUsageError) {
  Called g;
  auto usage = [&](std::string_view name, std::vector<Value> args) {
    Result<Value> r = g.isolate->call(name, args);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(usage("nope", {}), "the program has no top-level function `nope` to call");
  EXPECT_EQ(usage("<module>", {}), "the program has no top-level function `<module>` to call");
  EXPECT_EQ(usage("first", {}), "`first` is generic: a host can call only functions that are not");
  EXPECT_EQ(usage("__arrayJoin", {}),
            "the program has no top-level function `__arrayJoin` to call");
  EXPECT_EQ(usage("score", {1}), "`score` takes 2 arguments, not 1");
  EXPECT_EQ(usage("score", {"1", "2"}), "argument 1 of `score`: expected an int, got a string");
  EXPECT_EQ(usage("total", {Value(std::vector<std::string>{"a"})}),
            "argument 1 of `total`: element 0: expected an int, got a string");
  EXPECT_EQ(usage("score", {1, "\xff"}), "argument 2 of `score`: the string is not valid UTF-8");
  Result<Value> r = g.isolate->call("fail");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(r.error().errorClass, "IndexError");
}

TEST(Calls, ArraysGoInAsNewArraysAndComeBackAsHandles) {
  Called g;
  EXPECT_EQ(g.isolate->call("total", {Value(std::vector<int64_t>{1, 2, 3})})->asInt(), 6);
  std::vector<Value> xs{1, 2, 3, 4};
  EXPECT_EQ(g.isolate->call("total", {xs})->asInt(), 10); // one argument: the array
  EXPECT_EQ(g.isolate->call("total", {std::vector<int>{5, 6}})->asInt(), 11);
  Value grid = Value::array({Value(std::vector<int64_t>{1, 2, 3}), Value(std::vector<int64_t>{4})});
  EXPECT_EQ(g.isolate->call("depth", {grid})->asInt(), 203);
  Result<Value> names = g.isolate->call("names");
  ASSERT_TRUE(names);
  EXPECT_EQ(names->kind(), Value::Kind::Object);
  EXPECT_EQ(names->typeName(), "string[]");
  EXPECT_EQ(names->asStringArray(), (std::vector<std::string>{"ann", "bo"}));
}

TEST(Calls, HandlesKeepObjectsAliveAndBelongToTheirIsolate) {
  Called g;
  Result<Value> p = g.isolate->call("origin");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->typeName(), "Point");
  for (int i = 0; i < 3; i++) {
    gc::collect(); // the handle holds the point
    p = g.isolate->call("shift", {*p, 5});
    ASSERT_TRUE(p) << p.error().render();
  }
  EXPECT_EQ(g.isolate->call("xOf", {*p})->asInt(), 15);
  EXPECT_EQ(g.isolate->call("xOf", {Value()}).error().errorClass, "NullError");

  Called other;
  Result<Value> r = other.isolate->call("xOf", {*p});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "argument 1 of `xOf`: the object belongs to another isolate");
  // What the host holds counts as the guest's: a handle is a root of its heap walk.
  Result<Value> names = g.isolate->call("names");
  ASSERT_TRUE(names);
  uint64_t holding = g.isolate->stats().liveObjects;
  names = Value();
  EXPECT_EQ(g.isolate->stats().liveObjects, holding - 1); // the array (its strings are constants)
  // A handle may outlive its isolate; it then holds nothing.
  Value kept = *p;
  g.isolate.reset();
  EXPECT_EQ(kept.typeName(), "object of a closed isolate");
  EXPECT_EQ(kept.asArray(), std::nullopt);
}

TEST(HostModules, LimitsAreCheckedAsHostFunctionsReturn) {
  // A guest that spends its time in the host still meets its deadline and its terminate.
  auto io = std::make_shared<HostModule>("io");
  io->function("fun wait(ms: int)", [](CallContext&, std::span<const Value> args) -> Result<Value> {
    std::this_thread::sleep_for(std::chrono::milliseconds(*args[0].asInt()));
    return Value();
  });
  io->function("fun stop()", [](CallContext& cx, std::span<const Value>) -> Result<Value> {
    cx.isolate().terminate();
    return Value();
  });
  HostGuest guest({io});
  ASSERT_TRUE(guest.isolate->load(
      compileWith("import io\nfun poll(n: int): int {\n  for (i in 0..n) { io.wait(10) }\n"
                  "  return n\n}\nfun quit(): int { io.stop()\n  return 1 }\n",
                  {io})));
  guest.isolate->setTimeout(0.05);
  auto start = std::chrono::steady_clock::now();
  Result<Value> r = guest.isolate->call("poll", {100});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().limit, Error::Limit::Time);
  EXPECT_LT(seconds, 0.5);
  guest.isolate->setTimeout(0);
  r = guest.isolate->call("quit");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().limit, Error::Limit::Terminated);    // the call that asked for it
  EXPECT_EQ(guest.isolate->call("poll", {1})->asInt(), 1); // and not the next one
}

TEST(HostModules, CopiesOfArgumentsCountTowardsTheHeapLimit) {
  // A guest array of 1M ints (8 MB) fits in 16 MB; its copy for the host, 1M Values, does not.
  auto app = appModule();
  IsolateConfig config;
  config.heapLimitBytes = 16 << 20;
  HostGuest guest({app}, config);
  ASSERT_TRUE(guest.isolate->load(
      compileWith("import app\nfun big(n: int): int { return app.sum(new int[n]) }\n", {app})));
  EXPECT_EQ(guest.isolate->call("big", {1000})->asInt(), 0);
  Result<Value> r = guest.isolate->call("big", {1000000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().limit, Error::Limit::Heap);
  EXPECT_EQ(guest.isolate->call("big", {10})->asInt(), 0); // the copies were released
}

TEST(HostModules, AnEmptyErrorMessageNamesTheFunction) {
  auto m = std::make_shared<HostModule>("m");
  m->function("fun f()",
              [](CallContext&, std::span<const Value>) -> Result<Value> { return Error{}; });
  HostGuest guest({m});
  ASSERT_TRUE(guest.isolate->load(compileWith("import m\nfun g() { m.f() }\n", {m})));
  EXPECT_EQ(guest.isolate->call("g").error().message, "`m.f` failed");
}

TEST(HostModules, DeclarationsAfterUseAreRefused) {
  auto m = std::make_shared<HostModule>("m");
  auto fn = [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(); };
  m->function("fun f()", fn);
  compileWith("import m\nfun g() { m.f() }\n", {m});
  m->function("fun late()", fn); // other threads may be reading the module by now
  EXPECT_EQ(m->declarations().size(), 1u);
  CompileOptions options;
  options.hostModules = {m};
  Result<Program> p = compileSource("fun main() {}\n", "main.nuri", options);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "host module `m` was given 1 declaration after it was used to "
                               "compile or load a program; declare every function first");
}

// ---- What a guest reads from outside ----

TEST(InputHooks, WithoutHooksAGuestReadsNoClock) {
  HostGuest still({});
  ASSERT_TRUE(still.isolate->load(compileWith("fun now(): float { return System.clock() }\n", {})));
  EXPECT_EQ(still.isolate->call("now")->asFloat(), 0.0);

  IsolateConfig config;
  double t = 41.5;
  config.monotonicClock = [&t] { return t += 1; };
  HostGuest ticking({}, config);
  ASSERT_TRUE(
      ticking.isolate->load(compileWith("fun now(): float { return System.clock() }\n", {})));
  EXPECT_EQ(ticking.isolate->call("now")->asFloat(), 42.5);
  EXPECT_EQ(ticking.isolate->call("now")->asFloat(), 43.5);
}

TEST(InputHooks, TheProcessHooksReadTheProcess) {
  IsolateConfig config;
  useProcessHooks(config);
  ASSERT_TRUE(config.input && config.errorOutput && config.environment && config.wallClock &&
              config.monotonicClock && config.randomSeed);
  setenv("NURI_HOOK_TEST", "yes", 1);
  EXPECT_EQ(config.environment("NURI_HOOK_TEST"), "yes");
  EXPECT_EQ(config.environment("NURI_HOOK_TEST_UNSET"), std::nullopt);
  EXPECT_GT(config.wallClock(), int64_t(1767225600000)); // after 2026-01-01
  double first = config.monotonicClock();
  EXPECT_LE(first, config.monotonicClock());
}

} // namespace
} // namespace nuri
