// Suspension, snapshots, restore and clones through the embedding API (include/nuri/nuri.h,
// GUESTS.md §3, docs/snapshots.md).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "nuri/nuri.h"

namespace nuri {
namespace {

Program compileOk(const std::string& source, std::vector<std::shared_ptr<HostModule>> modules = {},
                  const std::string& name = "main.nuri") {
  CompileOptions options;
  options.hostModules = std::move(modules);
  Result<Program> p = compileSource(source, name, options);
  EXPECT_TRUE(p) << (p ? "" : p.error().render());
  return p ? *p : Program();
}

// `config` with the guest's output appended to `*out` (which must outlive the guest).
IsolateConfig capturing(std::string* out, IsolateConfig config = {}) {
  config.output = [out](std::string_view text) { out->append(text); };
  return config;
}

// How a program's run ended: what it printed, and main's status or the error.
struct Ending {
  std::string output;
  std::optional<int> status;
  Error error;
  int suspensions = 0;
};

Ending runUninterrupted(const Program& program, const std::vector<std::string>& args = {}) {
  Ending end;
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(capturing(&end.output));
  Status loaded = guest->load(program);
  if (!loaded) {
    end.error = loaded.error();
    return end;
  }
  Result<int> status = guest->runMain(args);
  if (status)
    end.status = *status;
  else
    end.error = status.error();
  return end;
}

// Records how a resume or runMain ended into `end` (an int status, or the error).
void recordEnding(const Result<Value>& r, Ending& end) {
  if (r) {
    ASSERT_EQ(r->kind(), Value::Kind::Int) << r->typeName();
    end.status = int(*r->asInt());
  } else {
    end.error = r.error();
  }
}

void expectSameEnding(const Ending& actual, const Ending& expected) {
  EXPECT_EQ(actual.output, expected.output);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.error.kind, expected.error.kind);
  EXPECT_EQ(actual.error.errorClass, expected.error.errorClass);
  EXPECT_EQ(actual.error.message, expected.error.message);
  EXPECT_EQ(actual.error.trace, expected.error.trace);
}

bool isSuspended(const Error& e) { return e.kind == Error::Kind::Suspended; }

// Runs `program`'s top-level code and main with `fuel` instructions a slice, suspending when it
// runs out. With `throughSnapshots`, each suspended guest is snapshotted and restored in a new
// Runtime before it is resumed; otherwise it is resumed in place.
Ending runInSlices(const Program& program, uint64_t fuel, bool throughSnapshots,
                   const std::vector<std::string>& args = {}) {
  Ending end;
  IsolateConfig config = capturing(&end.output);
  config.suspendOnLimit = true;
  config.fuel = fuel;
  std::unique_ptr<Isolate> guest;
  {
    Runtime runtime;
    guest = runtime.newIsolate(config);
  }
  // Continues the suspended guest (in a clone when throughSnapshots).
  auto next = [&]() -> Result<Value> {
    end.suspensions++;
    if (throughSnapshots) {
      Result<std::vector<uint8_t>> bytes = guest->snapshot();
      if (!bytes) return bytes.error();
      Runtime fresh;
      IsolateConfig restored = capturing(&end.output);
      restored.suspendOnLimit = true;
      Result<std::unique_ptr<Isolate>> clone = fresh.restore(*bytes, restored);
      if (!clone) return clone.error();
      guest = std::move(*clone);
      EXPECT_TRUE(guest->suspended());
    }
    guest->setFuel(fuel);
    return guest->resume();
  };
  Status loaded = guest->load(program);
  if (!loaded) {
    if (!isSuspended(loaded.error())) {
      end.error = loaded.error();
      return end;
    }
    Result<Value> r = Value();
    do {
      EXPECT_EQ(guest->suspendedIn(), "load");
      r = next();
    } while (!r && isSuspended(r.error()));
    if (!r) {
      end.error = r.error();
      return end;
    }
    EXPECT_TRUE(r->isNull());
  }
  guest->setFuel(fuel);
  Result<int> status = guest->runMain(args);
  if (status) {
    end.status = *status;
    return end;
  }
  Result<Value> r = status.error();
  while (!r && isSuspended(r.error())) {
    EXPECT_EQ(guest->suspendedIn(), "main");
    EXPECT_EQ(r.error().limit, Error::Limit::Fuel);
    r = next();
  }
  recordEnding(r, end);
  return end;
}

// Counts rounds of work in main and in functions; prints as it goes.
const char* kRounds = R"nuri(
var total = 0
fun work(n: int): int {
    var sum = 0
    for (i in 0..n) {
        sum += i % 7
    }
    return sum
}
fun main(): int {
    for (round in 0..20) {
        total += work(1000)
        println("round ${round}: ${total}")
    }
    return total % 200
}
)nuri";

// Top-level code that runs for a while, and functions for the host to call.
const char* kBusyLoad = R"nuri(
class Box {
    var label: string
    var n: int
    init(label: string, n: int) {
        this.label = label
        this.n = n
    }
}
var squares = new int[30000]
for (i in 0..30000) {
    squares[i] = i * i % 1000
    if (i % 5000 == 0) {
        println("loading ${i}")
    }
}
println("loaded")
fun spin(n: int): int {
    var s = 0
    for (i in 0..n) {
        s += squares[i % 30000]
    }
    return s
}
fun label(n: int): string { return "spun ${spin(n)}" }
fun box(n: int): Box { return Box("box", spin(n)) }
fun evens(n: int): int[] {
    spin(n)
    return [0, 2, 4]
}
fun main(): int {
    println("main ${spin(20000)}")
    return 7
}
)nuri";

// ---- Suspending on fuel and time ----

TEST(SnapshotSuspend, FuelSuspendsMainAndResumeFinishesIt) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  ASSERT_TRUE(expected.status) << expected.error.render();

  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 5000;
  Runtime runtime;
  std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  EXPECT_FALSE(guest->suspended());
  EXPECT_EQ(guest->suspendedIn(), "");
  guest->setFuel(5000);
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, Error::Kind::Suspended);
  EXPECT_EQ(status.error().limit, Error::Limit::Fuel);
  EXPECT_TRUE(guest->suspended());
  EXPECT_EQ(guest->suspendedIn(), "main");
  EXPECT_LT(out.size(), expected.output.size());
  EXPECT_EQ(expected.output.rfind(out, 0), 0u) << out; // what it printed so far, flushed

  int suspensions = 1;
  Result<Value> r = Value();
  while (true) {
    guest->setFuel(5000);
    r = guest->resume();
    if (r || !isSuspended(r.error())) break;
    EXPECT_EQ(r.error().limit, Error::Limit::Fuel);
    EXPECT_TRUE(guest->suspended());
    suspensions++;
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
  EXPECT_GT(suspensions, 10);
  EXPECT_FALSE(guest->suspended());
  EXPECT_EQ(guest->suspendedIn(), "");
  // The guest goes on as any other: main may run again.
  out.clear();
  guest->setFuel(0);
  Result<int> again = guest->runMain({});
  ASSERT_TRUE(again) << again.error().render();
  EXPECT_NE(out.find("round 19"), std::string::npos);
}

TEST(SnapshotSuspend, WithoutSuspendOnLimitFuelIsStillAnError) {
  Program program = compileOk(kRounds);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.fuel = 5000;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(status.error().errorClass, "LimitError");
  EXPECT_EQ(status.error().limit, Error::Limit::Fuel);
  EXPECT_FALSE(guest->suspended());
  EXPECT_EQ(guest->resume().error().kind, Error::Kind::Usage);
}

TEST(SnapshotSuspend, OutputMatchesAnUninterruptedRunAtEveryFuel) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  for (uint64_t fuel : {1, 7, 100, 4096}) {
    Ending sliced = runInSlices(program, fuel, false);
    expectSameEnding(sliced, expected);
    EXPECT_GT(sliced.suspensions, 0) << fuel;
  }
}

TEST(SnapshotSuspend, TimeoutSuspendsTopLevelCodeAndMain) {
  Program program = compileOk(kBusyLoad);
  Ending expected = runUninterrupted(program);
  ASSERT_EQ(expected.status, 7) << expected.error.render();

  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.timeoutSeconds = 1e-9; // passed at the first check, as load starts
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  Status loaded = guest->load(program);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, Error::Kind::Suspended);
  EXPECT_EQ(loaded.error().limit, Error::Limit::Time);
  EXPECT_EQ(guest->suspendedIn(), "load");
  // A guest suspended in its top-level code is not loaded yet.
  EXPECT_EQ(guest->runMain({}).error().kind, Error::Kind::Usage);
  int suspensions = 1;
  Result<Value> r = Value();
  while (true) {
    guest->setTimeout(1e-9);
    r = guest->resume();
    if (r || !isSuspended(r.error())) break;
    EXPECT_EQ(r.error().limit, Error::Limit::Time);
    EXPECT_EQ(guest->suspendedIn(), "load");
    suspensions++;
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_TRUE(r->isNull()); // what load returns
  EXPECT_GE(suspensions, 2);
  EXPECT_EQ(out, "loading 0\nloading 5000\nloading 10000\nloading 15000\nloading 20000\n"
                 "loading 25000\nloaded\n");

  guest->setTimeout(1e-9);
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().limit, Error::Limit::Time);
  EXPECT_EQ(guest->suspendedIn(), "main");
  do {
    guest->setTimeout(1e-9);
    r = guest->resume();
  } while (!r && isSuspended(r.error()));
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 7);
  EXPECT_EQ(out, expected.output);
}

TEST(SnapshotSuspend, ACallResumesToItsResult) {
  Program program = compileOk(kBusyLoad);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<Value> direct = guest->call("label", {5000});
  ASSERT_TRUE(direct) << direct.error().render();

  // Runs `name(n)` in slices of fuel, by time (timeouts) or by fuel.
  auto sliced = [&](const char* name, bool byTime) -> Result<Value> {
    if (byTime)
      guest->setTimeout(1e-9);
    else
      guest->setFuel(500);
    Result<Value> r = guest->call(name, {100000});
    int suspensions = 0;
    while (!r && isSuspended(r.error())) {
      EXPECT_EQ(guest->suspendedIn(), "call");
      EXPECT_EQ(r.error().limit, byTime ? Error::Limit::Time : Error::Limit::Fuel);
      // Nothing else may start meanwhile.
      EXPECT_EQ(guest->call("label", {1}).error().kind, Error::Kind::Usage);
      suspensions++;
      if (byTime)
        guest->setTimeout(1e-9);
      else
        guest->setFuel(500);
      r = guest->resume();
    }
    EXPECT_GT(suspensions, 0) << name;
    guest->setFuel(0);
    guest->setTimeout(0);
    return r;
  };
  std::string expected = *guest->call("label", {100000})->asString();
  for (bool byTime : {false, true}) {
    Result<Value> text = sliced("label", byTime);
    ASSERT_TRUE(text) << text.error().render();
    EXPECT_EQ(text->asString(), expected);
    Result<Value> box = sliced("box", byTime);
    ASSERT_TRUE(box) << box.error().render();
    EXPECT_EQ(box->kind(), Value::Kind::Object);
    EXPECT_EQ(box->typeName(), "Box");
    Result<Value> evens = sliced("evens", byTime);
    ASSERT_TRUE(evens) << evens.error().render();
    EXPECT_EQ(evens->asIntArray(), (std::vector<int64_t>{0, 2, 4}));
  }
}

TEST(SnapshotSuspend, ASuspendedGuestTakesOnlyResume) {
  Program program = compileOk(kBusyLoad);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  // Resume before anything ran, and on a loaded guest that is not suspended.
  EXPECT_EQ(guest->resume().error().kind, Error::Kind::Usage);
  ASSERT_TRUE(guest->load(program));
  Result<Value> notSuspended = guest->resume();
  ASSERT_FALSE(notSuspended);
  EXPECT_EQ(notSuspended.error().kind, Error::Kind::Usage);
  EXPECT_EQ(notSuspended.error().message, "the guest is not suspended: there is nothing to resume");

  guest->setFuel(1000);
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  ASSERT_TRUE(isSuspended(status.error()));
  Status load = guest->load(program);
  ASSERT_FALSE(load);
  EXPECT_EQ(load.error().kind, Error::Kind::Usage);
  Result<int> main = guest->runMain({});
  ASSERT_FALSE(main);
  EXPECT_EQ(main.error().kind, Error::Kind::Usage);
  EXPECT_EQ(main.error().message,
            "the guest is suspended: resume() it or snapshot() it before anything else");
  EXPECT_EQ(guest->call("spin", {1}).error().kind, Error::Kind::Usage);
  EXPECT_TRUE(guest->suspended()); // none of them changed it
  // Limits, statistics and snapshots are allowed.
  EXPECT_GT(guest->stats().instructions, 1000u);
  EXPECT_TRUE(guest->snapshot());
  guest->setFuel(0);
  Result<Value> r = guest->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 7);
  EXPECT_EQ(guest->resume().error().kind, Error::Kind::Usage); // finished
}

TEST(SnapshotSuspend, EveryResumeMakesProgressWithoutFreshFuel) {
  // The fuel ran out and is not renewed: each resume still runs to the next suspension point.
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 1;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  Result<Value> r = status.error();
  uint64_t instructions = guest->stats().instructions;
  int resumes = 0;
  while (!r && isSuspended(r.error())) {
    r = guest->resume();
    uint64_t now = guest->stats().instructions;
    ASSERT_GT(now, instructions);
    instructions = now;
    resumes++;
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
  EXPECT_GT(resumes, 20000); // one a suspension point: every call and every turn of a loop
}

TEST(SnapshotSuspend, ARequestBeforeLoadSuspendsTheTopLevelCode) {
  Program program = compileOk(kBusyLoad);
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  guest->requestSuspend();
  Status loaded = guest->load(program);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, Error::Kind::Suspended);
  EXPECT_EQ(loaded.error().limit, Error::Limit::Requested);
  EXPECT_EQ(guest->suspendedIn(), "load");
  EXPECT_EQ(guest->stats().instructions, 0u);
  Result<Value> r = guest->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_TRUE(r->isNull());
  Result<int> status = guest->runMain({}); // the request was met once
  ASSERT_TRUE(status) << status.error().render();
  EXPECT_EQ(*status, 7);
  EXPECT_NE(out.find("loaded\nmain "), std::string::npos) << out;
  // A handle may outlive its guest, and then does nothing.
  InterruptHandle handle = guest->interruptHandle();
  guest.reset();
  handle.requestSuspend();
  handle.terminate();
}

TEST(SnapshotSuspend, SystemExitInAResumedGuest) {
  Program program = compileOk("fun spin(n: int): int {\n  var s = 0\n  for (i in 0..n) { s += i }\n"
                              "  return s\n}\nfun main(): int {\n  println(spin(10000))\n"
                              "  System.exit(9)\n  return 1\n}\nfun quit(): int {\n  spin(10000)\n"
                              "  System.exit(4)\n  return 0\n}\n");
  for (bool inCall : {false, true}) {
    std::string out;
    IsolateConfig config = capturing(&out);
    config.suspendOnLimit = true;
    config.fuel = 1000;
    std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
    ASSERT_TRUE(guest->load(program));
    guest->setFuel(1000);
    Result<Value> r = Error{};
    if (inCall) {
      r = guest->call("quit");
    } else {
      Result<int> status = guest->runMain({});
      r = status ? Result<Value>(Value(*status)) : Result<Value>(status.error());
    }
    int suspensions = 0;
    while (!r && isSuspended(r.error())) {
      suspensions++;
      guest->setFuel(1000);
      r = guest->resume();
    }
    EXPECT_GT(suspensions, 5);
    if (inCall) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().errorClass, "Exit");
      EXPECT_EQ(guest->exitStatus(), 4);
    } else {
      ASSERT_TRUE(r) << r.error().render();
      EXPECT_EQ(r->asInt(), 9);
      EXPECT_EQ(guest->exitStatus(), 9);
      EXPECT_EQ(out, "49995000\n");
    }
    EXPECT_FALSE(guest->suspended());
    EXPECT_EQ(guest->snapshot().error().kind, Error::Kind::Usage); // it has ended
  }
}

// ---- Snapshots and restore ----

TEST(SnapshotRestore, SuspendedGuestsResumeInTheSameOrANewRuntime) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  Runtime runtime;
  for (bool newRuntime : {false, true}) {
    std::string out;
    IsolateConfig config = capturing(&out);
    config.suspendOnLimit = true;
    config.fuel = 30000;
    std::unique_ptr<Isolate> guest = runtime.newIsolate(config);
    ASSERT_TRUE(guest->load(program));
    guest->setFuel(30000);
    Result<int> status = guest->runMain({});
    ASSERT_FALSE(status);
    ASSERT_TRUE(isSuspended(status.error()));
    Result<std::vector<uint8_t>> bytes = guest->snapshot();
    ASSERT_TRUE(bytes) << bytes.error().render();
    // Taking a snapshot changes nothing: a second one is the same bytes, and so is one of a
    // clone restored under the same limits.
    EXPECT_EQ(*guest->snapshot(), *bytes);
    {
      std::string ignored;
      Result<std::unique_ptr<Isolate>> same =
          Runtime().restore(*bytes, capturing(&ignored, config));
      ASSERT_TRUE(same) << same.error().render();
      EXPECT_EQ(*(*same)->snapshot(), *bytes);
    }
    std::string printed = out;

    std::string restoredOut = printed;
    IsolateConfig restoredConfig = capturing(&restoredOut);
    std::optional<Runtime> fresh;
    if (newRuntime) fresh.emplace();
    Runtime& into = newRuntime ? *fresh : runtime;
    Result<std::unique_ptr<Isolate>> clone = into.restore(*bytes, restoredConfig);
    ASSERT_TRUE(clone) << clone.error().render();
    Isolate& restored = **clone;
    EXPECT_TRUE(restored.suspended());
    EXPECT_EQ(restored.suspendedIn(), "main");
    EXPECT_EQ(restored.stats().instructions, guest->stats().instructions);
    Result<Value> r = restored.resume();
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(r->asInt(), *expected.status);
    EXPECT_EQ(restoredOut, expected.output);

    // The original is untouched by its clone, and finishes the same way.
    guest->setFuel(0);
    Result<Value> original = guest->resume();
    ASSERT_TRUE(original) << original.error().render();
    EXPECT_EQ(original->asInt(), *expected.status);
    EXPECT_EQ(out, expected.output);
  }
}

TEST(SnapshotRestore, SnapshotsOfGuestsSuspendedInLoadAndInACall) {
  Program program = compileOk(kBusyLoad);
  Ending expected = runUninterrupted(program);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 20000;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  Status loaded = guest->load(program);
  ASSERT_FALSE(loaded);
  ASSERT_TRUE(isSuspended(loaded.error()));
  Result<std::vector<uint8_t>> inLoad = guest->snapshot();
  ASSERT_TRUE(inLoad) << inLoad.error().render();

  std::string cloneOut = out;
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*inLoad, capturing(&cloneOut));
  ASSERT_TRUE(clone) << clone.error().render();
  EXPECT_EQ((*clone)->suspendedIn(), "load");
  Result<Value> r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_TRUE(r->isNull());
  Result<int> status = (*clone)->runMain({});
  ASSERT_TRUE(status) << status.error().render();
  EXPECT_EQ(*status, 7);
  EXPECT_EQ(cloneOut, expected.output);

  // The same guest, finished loading, suspended in a call.
  guest->setFuel(0);
  ASSERT_TRUE(guest->resume());
  guest->setFuel(2000);
  Result<Value> call = guest->call("box", {50000});
  ASSERT_FALSE(call);
  ASSERT_TRUE(isSuspended(call.error()));
  Result<std::vector<uint8_t>> inCall = guest->snapshot();
  ASSERT_TRUE(inCall);
  clone = Runtime().restore(*inCall);
  ASSERT_TRUE(clone) << clone.error().render();
  EXPECT_EQ((*clone)->suspendedIn(), "call");
  r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->typeName(), "Box");
  // The handle belongs to the clone, which can take it back.
  EXPECT_EQ((*clone)->call("spin", {1})->asInt(), 0);
}

TEST(SnapshotRestore, SnapshotNeedsALoadedGuestThatHasNotEnded) {
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().kind, Error::Kind::Usage);
  ASSERT_TRUE(guest->load(compileOk("fun main() { System.exit(3) }\n")));
  Result<int> status = guest->runMain({});
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 3);
  ASSERT_TRUE(guest->exitStatus());
  bytes = guest->snapshot();
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().kind, Error::Kind::Usage);
  EXPECT_EQ(bytes.error().message, "the guest has ended (it called System.exit(3))");
}

// A template whose top-level code hashes an object; clones hash more.
const char* kTemplate = R"nuri(
class Thing {
    var n: int
    init(n: int) { this.n = n }
}
var counter = 0
let early = Thing(1)
let earlyHash = hashOf(early)
let late = Thing(2)
let byThing = Map<Thing, int>()
byThing.put(early, 10)
fun bump(): int {
    counter += 1
    return counter
}
fun earlyHashNow(): int { return hashOf(early) }
fun lateHash(): int { return hashOf(late) }
fun freshHash(): int { return hashOf(Thing(3)) }
fun lookup(): int { return byThing.get(early, -1) }
)nuri";

TEST(SnapshotRestore, ATemplateMakesAThousandIndependentClones) {
  Program program = compileOk(kTemplate);
  Runtime runtime;
  std::unique_ptr<Isolate> original = runtime.newIsolate();
  ASSERT_TRUE(original->load(program));
  Result<std::vector<uint8_t>> bytes = original->snapshot();
  ASSERT_TRUE(bytes) << bytes.error().render();
  int64_t earlyHash = *original->call("earlyHashNow")->asInt();

  std::vector<std::unique_ptr<Isolate>> clones;
  for (int i = 0; i < 1000; i++) {
    Result<std::unique_ptr<Isolate>> clone = runtime.restore(*bytes);
    ASSERT_TRUE(clone) << clone.error().render();
    EXPECT_FALSE((*clone)->suspended());
    clones.push_back(std::move(*clone));
  }
  // Mutating a global in one clone changes no other.
  for (int k = 0; k < 5; k++)
    EXPECT_EQ(clones[0]->call("bump")->asInt(), k + 1);
  for (size_t i = 1; i < clones.size(); i++) {
    ASSERT_EQ(clones[i]->call("bump")->asInt(), 1) << i;
  }
  EXPECT_EQ(clones[0]->call("bump")->asInt(), 6);
  // Identity hashes given before the snapshot survive it; without reseed, clones give the same
  // hashes to objects hashed after it, as the template would.
  int64_t lateHash = *original->call("lateHash")->asInt();
  int64_t freshHash = *original->call("freshHash")->asInt();
  for (size_t i = 0; i < clones.size(); i++) {
    ASSERT_EQ(clones[i]->call("earlyHashNow")->asInt(), earlyHash) << i;
    ASSERT_EQ(clones[i]->call("lookup")->asInt(), 10) << i;
    ASSERT_EQ(clones[i]->call("lateHash")->asInt(), lateHash) << i;
    ASSERT_EQ(clones[i]->call("freshHash")->asInt(), freshHash) << i;
  }
  // The original is as it was.
  EXPECT_EQ(original->call("bump")->asInt(), 1);
}

TEST(SnapshotRestore, ReseededClonesHashNewObjectsDifferently) {
  Program program = compileOk(kTemplate);
  Runtime runtime;
  std::unique_ptr<Isolate> original = runtime.newIsolate();
  ASSERT_TRUE(original->load(program));
  Result<std::vector<uint8_t>> bytes = original->snapshot();
  ASSERT_TRUE(bytes);
  int64_t earlyHash = *original->call("earlyHashNow")->asInt();

  for (bool systemSeed : {false, true}) {
    std::set<int64_t> late, fresh;
    uint64_t seed = 1;
    IsolateConfig config;
    config.reseed = true;
    if (!systemSeed) config.randomSeed = [&seed] { return seed++; };
    for (int i = 0; i < 1000; i++) {
      Result<std::unique_ptr<Isolate>> clone = runtime.restore(*bytes, config);
      ASSERT_TRUE(clone) << clone.error().render();
      Isolate& g = **clone;
      ASSERT_EQ(g.call("earlyHashNow")->asInt(), earlyHash); // already hashed: kept
      ASSERT_EQ(g.call("lookup")->asInt(), 10);              // so maps keyed by it still work
      int64_t l = *g.call("lateHash")->asInt();
      late.insert(l);
      fresh.insert(*g.call("freshHash")->asInt());
      ASSERT_EQ(g.call("lateHash")->asInt(), l); // stable once given
    }
    // 1,000 32-bit starting points: a collision or two is possible, hardly more.
    EXPECT_GE(late.size(), 998u) << systemSeed;
    EXPECT_GE(fresh.size(), 998u) << systemSeed;
  }
}

TEST(SnapshotRestore, RestoreRefusesAGuestLargerThanItsHeapLimit) {
  Program program =
      compileOk("let big = new int[1000000]\nfun size(): int { return big.length }\n");
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(program));
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  Runtime runtime;
  IsolateConfig small;
  small.heapLimitBytes = 4 << 20;
  Result<std::unique_ptr<Isolate>> refused = runtime.restore(*bytes, small);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(refused.error().errorClass, "LimitError");
  EXPECT_EQ(refused.error().limit, Error::Limit::Heap);
  EXPECT_EQ(refused.error().message, "the snapshot's guest does not fit: heap limit of 4M exceeded "
                                     "by an allocation of 8000016 bytes");
  IsolateConfig roomy;
  roomy.heapLimitBytes = 64 << 20;
  Result<std::unique_ptr<Isolate>> fits = runtime.restore(*bytes, roomy);
  ASSERT_TRUE(fits) << fits.error().render();
  EXPECT_EQ((*fits)->call("size")->asInt(), 1000000);
}

TEST(SnapshotRestore, RestoreRefusesManySmallObjectsOverTheHeapLimit) {
  // No one object is too large: the walk after the objects are made finds them too many.
  Program program =
      compileOk("class Node {\n  var next: Node\n  init(next: Node) { this.next = next }\n}\n"
                "var head: Node = null\nfor (i in 0..100000) { head = Node(head) }\n"
                "fun alive(): bool { return head != null }\n");
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(program));
  uint64_t live = guest->stats().liveBytes;
  ASSERT_GT(live, 1u << 20);
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  IsolateConfig small;
  small.heapLimitBytes = 1 << 20;
  Result<std::unique_ptr<Isolate>> refused = Runtime().restore(*bytes, small);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(refused.error().errorClass, "LimitError");
  EXPECT_EQ(refused.error().limit, Error::Limit::Heap);
  EXPECT_EQ(refused.error().message,
            "the snapshot's guest does not fit: heap limit of 1M exceeded");
  IsolateConfig enough;
  enough.heapLimitBytes = live * 2;
  Result<std::unique_ptr<Isolate>> fits = Runtime().restore(*bytes, enough);
  ASSERT_TRUE(fits) << fits.error().render();
  EXPECT_EQ((*fits)->call("alive")->asBool(), true);
}

TEST(SnapshotRestore, LimitsApplyAfreshToARestoredGuest) {
  Program program = compileOk(kRounds);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 50000;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  guest->setFuel(50000);
  ASSERT_FALSE(guest->runMain({}));
  uint64_t before = guest->stats().instructions;
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  // Without suspendOnLimit the clone's own fuel, counted from zero, ends it with LimitError.
  IsolateConfig strict;
  strict.fuel = 1000;
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes, strict);
  ASSERT_TRUE(clone) << clone.error().render();
  Result<Value> r = (*clone)->resume();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(r.error().limit, Error::Limit::Fuel);
  EXPECT_EQ(r.error().message, "fuel exhausted after 1000 instructions");
  EXPECT_FALSE((*clone)->suspended());
  uint64_t after = (*clone)->stats().instructions;
  EXPECT_GE(after, before + 1000);
  EXPECT_LT(after, before + 1100);
  // Its time too: a deadline from the restore.
  IsolateConfig timed;
  timed.timeoutSeconds = 1e-9;
  timed.suspendOnLimit = true;
  clone = Runtime().restore(*bytes, timed);
  ASSERT_TRUE(clone);
  r = (*clone)->resume();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Error::Kind::Suspended);
  EXPECT_EQ(r.error().limit, Error::Limit::Time);
}

TEST(SnapshotRestore, DeepStacksAreKeptAndCheckedAgainstTheClonesStackLimit) {
  Program program =
      compileOk("fun down(n: int): int {\n  if (n == 0) { return 0 }\n"
                "  return 1 + down(n - 1)\n}\nfun main(): int { return down(3000) % 256 }\n");
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 20000; // past the deepest call
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  guest->setFuel(3000 * 5);
  ASSERT_FALSE(guest->runMain({}));
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  Result<SnapshotSummary> summary = Runtime().inspect(*bytes);
  ASSERT_TRUE(summary);
  ASSERT_GT(summary->trace.size(), 2u); // long traces are shortened in the middle
  EXPECT_EQ(summary->trace.back(), "at main (main.nuri:5)");
  EXPECT_EQ(summary->trace.front().rfind("at down (main.nuri:", 0), 0u);
  IsolateConfig shallow;
  shallow.stackLimitFrames = 500;
  Result<std::unique_ptr<Isolate>> refused = Runtime().restore(*bytes, shallow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::Load);
  const std::string& message = refused.error().message;
  EXPECT_NE(message.find("frames, more than the stack limit of 500"), std::string::npos) << message;
  size_t at = message.find("has ");
  ASSERT_NE(at, std::string::npos) << message;
  EXPECT_GT(std::stoi(message.substr(at + 4)), 1000) << message; // the frames are all there
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes);
  ASSERT_TRUE(clone) << clone.error().render();
  Result<Value> r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 3000 % 256);
}

// Globals of every kind of value the snapshot format holds.
const char* kEveryKind = R"nuri(
class Pair {
    var left: string
    var right: Pair
    var weight: float
    var on: bool
    init(left: string, right: Pair) {
        this.left = left
        this.right = right
    }
}
var text = "héllo 😀 wörld"
var ints = [3, -1, 9223372036854775807, -9223372036854775807 - 1]
var floats = [0.5, -0.0, 1e300, 2.5e-300]
var flags = [true, false, true]
var grid: int[][] = [[1, 2], new int[0], [3]]
var names: string[] = ["a", null, "ç"]
var pair = Pair("one", Pair("two", null))
var builder = StringBuilder()
var nothing: Pair = null
var count = 0
var add: (int) -> int = null
fun makeAdder(by: int): (int) -> int {
    var calls = 0
    return { x: int -> calls += 1; count += 1; x + by * calls }
}
builder.append("built ").append(42).append(" é")
pair.weight = 1.25
pair.right.on = true
add = makeAdder(10)
add(1)
fun show(): string {
    let sb = StringBuilder()
    sb.append(text).append(" ").append(text.length).append(" ").append(ints).append(floats)
    sb.append(flags).append(grid).append(names).append(pair.left).append(pair.right.left)
    sb.append(pair.weight).append(pair.on).append(pair.right.on).append(builder).append(" ")
    sb.append(builder.length).append(nothing == null).append(" ").append(add(1)).append(" ")
    sb.append(count)
    return sb.toString()
}
)nuri";

TEST(SnapshotRestore, EveryKindOfValueRoundTrips) {
  Program program = compileOk(kEveryKind);
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(program));
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes) << bytes.error().render();
  Runtime runtime;
  Result<std::unique_ptr<Isolate>> clone = runtime.restore(*bytes);
  ASSERT_TRUE(clone) << clone.error().render();
  // What it holds is written back the same.
  Result<std::vector<uint8_t>> again = (*clone)->snapshot();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bytes);
  Result<Value> original = guest->call("show");
  Result<Value> copy = (*clone)->call("show");
  ASSERT_TRUE(original) << original.error().render();
  ASSERT_TRUE(copy) << copy.error().render();
  EXPECT_EQ(*copy->asString(), *original->asString());
  EXPECT_EQ(*copy->asString(),
            "héllo 😀 wörld 13 [3, -1, 9223372036854775807, -9223372036854775808][0.5, -0.0, "
            "1e+300, 2.5e-300][true, false, true][[1, 2], [], [3]][a, null, ç]onetwo1.25falsetrue"
            "built 42 é 10true 21 2");
}

// ---- Signing ----

TEST(SnapshotSigning, OnlyTheRightKeyRestoresASignedSnapshot) {
  Program program = compileOk(kTemplate);
  IsolateConfig signing;
  signing.snapshotKey = "correct horse";
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(signing);
  ASSERT_TRUE(guest->load(program));
  Result<std::vector<uint8_t>> signedBytes = guest->snapshot();
  ASSERT_TRUE(signedBytes);
  Runtime runtime;

  Result<std::unique_ptr<Isolate>> ok = runtime.restore(*signedBytes, signing);
  ASSERT_TRUE(ok) << ok.error().render();
  EXPECT_EQ((*ok)->call("bump")->asInt(), 1);
  Result<SnapshotSummary> summary = runtime.inspect(*signedBytes, "correct horse");
  ASSERT_TRUE(summary) << summary.error().render();
  EXPECT_TRUE(summary->isSigned);

  auto refusal = [&](const std::vector<uint8_t>& bytes, const std::string& key) {
    IsolateConfig config;
    config.snapshotKey = key;
    Result<std::unique_ptr<Isolate>> r = runtime.restore(bytes, config);
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error().kind, Error::Kind::Load);
    return r.error().message;
  };
  EXPECT_EQ(refusal(*signedBytes, ""), "snapshot is signed: give the key to check its signature");
  EXPECT_EQ(refusal(*signedBytes, "correct horsf"),
            "snapshot signature does not match the key: the file was changed or signed with "
            "another key");
  std::unique_ptr<Isolate> unsignedGuest = Runtime().newIsolate();
  ASSERT_TRUE(unsignedGuest->load(program));
  Result<std::vector<uint8_t>> unsignedBytes = unsignedGuest->snapshot();
  ASSERT_TRUE(unsignedBytes);
  EXPECT_EQ(refusal(*unsignedBytes, "correct horse"),
            "snapshot is not signed, and a key was given: only signed snapshots are accepted");
  EXPECT_FALSE(runtime.inspect(*signedBytes));
  EXPECT_FALSE(runtime.inspect(*signedBytes, "wrong"));
}

TEST(SnapshotSigning, DamagedSnapshotsAreRefused) {
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(compileOk(kTemplate)));
  std::vector<uint8_t> bytes = *guest->snapshot();
  Runtime runtime;
  auto refusal = [&](const std::vector<uint8_t>& damaged) {
    Result<std::unique_ptr<Isolate>> r = runtime.restore(damaged);
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error().kind, Error::Kind::Load);
    return r.error().message;
  };
  EXPECT_EQ(refusal({}), "not a Nuri snapshot file (bad magic number)");
  std::vector<uint8_t> truncated(bytes.begin(), bytes.end() - 1);
  EXPECT_NE(refusal(truncated).find("(a truncated or damaged file)"), std::string::npos);
  std::vector<uint8_t> flipped = bytes;
  flipped[flipped.size() - 100] ^= 0x40;
  EXPECT_EQ(refusal(flipped), "snapshot checksum mismatch: the file is damaged");
  std::vector<uint8_t> newer = bytes;
  newer[10] = 7; // minor version
  EXPECT_EQ(refusal(newer), "unsupported snapshot version 0.7 (this VM reads 0.1 to 0.2)");
  // The original still restores.
  EXPECT_TRUE(runtime.restore(bytes));
}

// ---- Files and inspect ----

class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/nuri_snapshot_test_XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(path))
      out.push_back(entry.path().filename().string());
    return out;
  }
  std::string path;
};

std::vector<uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(SnapshotFile, WrittenAtomicallyOverTheOldFileAndRestored) {
  TempDir dir;
  std::string path = dir.path + "/guest.nsnap";
  std::ofstream(path) << "an older file";
  Program program = compileOk(kRounds);
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  config.fuel = 20000;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  guest->setFuel(20000);
  ASSERT_FALSE(guest->runMain({}));
  Status written = guest->snapshotToFile(path);
  ASSERT_TRUE(written) << written.error().render();
  EXPECT_EQ(dir.names(), std::vector<std::string>{"guest.nsnap"}); // no temporary left
  EXPECT_EQ(readBytes(path), *guest->snapshot());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms(0644));

  std::string restoredOut = out;
  Result<std::unique_ptr<Isolate>> restored = Runtime().restoreFile(path, capturing(&restoredOut));
  ASSERT_TRUE(restored) << restored.error().render();
  Result<Value> r = (*restored)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(restoredOut, runUninterrupted(program).output);
  // The restored guest writes the next snapshot over the same file.
  ASSERT_TRUE((*restored)->snapshotToFile(path));
  EXPECT_EQ(dir.names(), std::vector<std::string>{"guest.nsnap"});
  Result<std::unique_ptr<Isolate>> again = Runtime().restoreFile(path);
  ASSERT_TRUE(again) << again.error().render();
  EXPECT_FALSE((*again)->suspended()); // between calls: a template of the finished guest
}

TEST(SnapshotFile, UnwritableAndUnreadablePaths) {
  TempDir dir;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(compileOk("let x = 1\n")));
  Status missingFolder = guest->snapshotToFile(dir.path + "/no/such/folder/guest.nsnap");
  ASSERT_FALSE(missingFolder);
  EXPECT_EQ(missingFolder.error().kind, Error::Kind::Io);
  std::ofstream(dir.path + "/file") << "x";
  Status underAFile = guest->snapshotToFile(dir.path + "/file/guest.nsnap");
  ASSERT_FALSE(underAFile);
  EXPECT_EQ(underAFile.error().kind, Error::Kind::Io);
  Status aFolder = guest->snapshotToFile(dir.path);
  ASSERT_FALSE(aFolder);
  EXPECT_EQ(aFolder.error().kind, Error::Kind::Io);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"file"}); // no temporary left

  Result<std::unique_ptr<Isolate>> missing = Runtime().restoreFile(dir.path + "/none.nsnap");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Error::Kind::Io);
  Result<std::unique_ptr<Isolate>> notASnapshot = Runtime().restoreFile(dir.path + "/file");
  ASSERT_FALSE(notASnapshot);
  EXPECT_EQ(notASnapshot.error().kind, Error::Kind::Load);
  EXPECT_EQ(notASnapshot.error().message,
            dir.path + "/file: not a Nuri snapshot file (bad magic number)");
}

const char* kInspected = R"nuri(class Node {
    var value: int
    var next: Node
    init(value: int, next: Node) {
        this.value = value
        this.next = next
    }
}
var head: Node = null
var name = "inspected"
let ratio = 0.5
fun build(n: int): int {
    for (i in 0..n) {
        head = Node(i, head)
    }
    return n
}
fun main(): int {
    return build(100000)
}
)nuri";

TEST(SnapshotFile, InspectDescribesTemplatesAndSuspendedGuests) {
  Program program = compileOk(kInspected, {}, "inspected.nuri");
  std::unique_ptr<Isolate> guest = Runtime().newIsolate();
  ASSERT_TRUE(guest->load(program));
  Result<std::vector<uint8_t>> templateBytes = guest->snapshot();
  ASSERT_TRUE(templateBytes);
  Runtime runtime;
  Result<SnapshotSummary> t = runtime.inspect(*templateBytes);
  ASSERT_TRUE(t) << t.error().render();
  EXPECT_EQ(t->formatVersion, "0.2");
  EXPECT_FALSE(t->isSigned);
  EXPECT_FALSE(t->suspended);
  EXPECT_EQ(t->entry, "");
  EXPECT_EQ(t->reason, Error::Limit::None);
  EXPECT_EQ(t->programFile, "inspected.nuri");
  EXPECT_EQ(t->globals,
            (std::vector<std::string>{"head: Node = null", "name: string = \"inspected\"",
                                      "ratio: float = 0.5"}));
  EXPECT_TRUE(t->trace.empty());
  EXPECT_EQ(t->instructions, guest->stats().instructions);

  // Suspended inside build, called by main.
  std::string out;
  IsolateConfig config = capturing(&out);
  config.suspendOnLimit = true;
  std::unique_ptr<Isolate> running = Runtime().newIsolate(config);
  ASSERT_TRUE(running->load(program));
  running->setFuel(300000);
  Result<int> status = running->runMain({});
  ASSERT_FALSE(status);
  ASSERT_TRUE(isSuspended(status.error()));
  Result<std::vector<uint8_t>> bytes = running->snapshot();
  ASSERT_TRUE(bytes);
  Result<SnapshotSummary> s = runtime.inspect(*bytes);
  ASSERT_TRUE(s) << s.error().render();
  EXPECT_TRUE(s->suspended);
  EXPECT_EQ(s->entry, "main");
  EXPECT_EQ(s->reason, Error::Limit::Fuel);
  EXPECT_EQ(s->instructions, running->stats().instructions);
  EXPECT_EQ(s->globals,
            (std::vector<std::string>{"head: Node = a Node", "name: string = \"inspected\"",
                                      "ratio: float = 0.5"}));
  ASSERT_GE(s->trace.size(), 2u);
  EXPECT_EQ(s->trace.back(), "at main (inspected.nuri:19)");
  EXPECT_TRUE(s->trace[s->trace.size() - 2] == "at build (inspected.nuri:13)" ||
              s->trace[s->trace.size() - 2] == "at build (inspected.nuri:14)")
      << s->trace[s->trace.size() - 2];
  ASSERT_FALSE(s->heap.empty());
  EXPECT_EQ(s->heap[0].type, "Node"); // the largest first
  std::vector<TypeStats> live = running->liveObjectsByType();
  ASSERT_FALSE(live.empty());
  EXPECT_EQ(live[0].type, "Node");
  EXPECT_EQ(s->heap[0].objects, live[0].objects);
  EXPECT_GT(s->heap[0].objects, 1000u);
  EXPECT_LT(s->heap[0].objects, 100000u);
  EXPECT_GE(s->liveObjects, s->heap[0].objects);
  EXPECT_GE(s->liveBytes, s->heap[0].bytes);
  uint64_t sum = 0;
  for (size_t i = 0; i < s->heap.size(); i++) {
    sum += s->heap[i].bytes;
    if (i) {
      EXPECT_GE(s->heap[i - 1].bytes, s->heap[i].bytes);
    }
  }
  EXPECT_EQ(sum, s->liveBytes);
  // A damaged snapshot is described by no summary.
  std::vector<uint8_t> damaged = *bytes;
  damaged[damaged.size() / 2] ^= 1;
  Result<SnapshotSummary> bad = runtime.inspect(damaged);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Error::Kind::Load);
  EXPECT_EQ(bad.error().message, "snapshot checksum mismatch: the file is damaged");
}

// ---- requestSuspend ----

// Loops for long enough that another thread's request finds it running.
const char* kLooper = R"nuri(
var laps = 0
fun lap(n: int): int {
    var s = 0
    for (i in 0..n) {
        s += i
    }
    return s
}
fun main(): int {
    for (k in 0..200000) {
        laps += 1
        lap(100)
        if (k % 20000 == 0) {
            println("lap ${k}")
        }
    }
    return laps % 100
}
)nuri";

TEST(SnapshotRequest, AnotherThreadSuspendsARunningGuest) {
  Program program = compileOk(kLooper);
  Ending expected = runUninterrupted(program);
  ASSERT_TRUE(expected.status);
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  ASSERT_TRUE(guest->load(program));
  std::mutex swap; // guards `handle`, which changes when the guest moves to a clone
  InterruptHandle handle = guest->interruptHandle();
  std::atomic<bool> done{false}, asked{false};
  int suspensions = 0;
  std::thread asker([&] {
    while (!done.load()) {
      {
        std::lock_guard<std::mutex> lock(swap);
        handle.requestSuspend();
      }
      asked = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  // At least one request reaches the guest, however the threads are scheduled on a busy
  // machine (one made before the run applies when it starts).
  while (!asked.load())
    std::this_thread::yield();
  Result<int> status = guest->runMain({});
  Result<Value> r = status ? Result<Value>(Value(*status)) : Result<Value>(status.error());
  while (!r && isSuspended(r.error())) {
    EXPECT_EQ(r.error().limit, Error::Limit::Requested);
    EXPECT_TRUE(guest->suspended());
    EXPECT_EQ(guest->suspendedIn(), "main");
    suspensions++;
    if (suspensions % 4 == 0) { // now and then through a snapshot
      Result<std::vector<uint8_t>> bytes = guest->snapshot();
      ASSERT_TRUE(bytes);
      Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes, capturing(&out));
      ASSERT_TRUE(clone) << clone.error().render();
      std::lock_guard<std::mutex> lock(swap);
      guest = std::move(*clone);
      handle = guest->interruptHandle();
    }
    r = guest->resume();
  }
  done = true;
  asker.join();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
  EXPECT_GT(suspensions, 0);
}

TEST(SnapshotRequest, ARequestWhileIdleAppliesToTheNextEntry) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  ASSERT_TRUE(guest->load(program));
  uint64_t before = guest->stats().instructions;
  guest->requestSuspend();
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, Error::Kind::Suspended);
  EXPECT_EQ(status.error().limit, Error::Limit::Requested);
  EXPECT_EQ(guest->suspendedIn(), "main");
  EXPECT_EQ(guest->stats().instructions, before); // before its first instruction
  EXPECT_EQ(out, "");
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  Result<SnapshotSummary> summary = Runtime().inspect(*bytes);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->trace, std::vector<std::string>{"at main (main.nuri:10)"});
  EXPECT_EQ(summary->reason, Error::Limit::Requested);
  Result<Value> r = guest->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);

  // The same for a call, through an interrupt handle.
  guest->interruptHandle().requestSuspend();
  Result<Value> call = guest->call("work", {10});
  ASSERT_FALSE(call);
  EXPECT_EQ(call.error().limit, Error::Limit::Requested);
  EXPECT_EQ(guest->suspendedIn(), "call");
  r = guest->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 0 + 1 + 2 + 3 + 4 + 5 + 6 + 0 + 1 + 2);
  // A request is met once: the next call runs through.
  EXPECT_EQ(guest->call("work", {10})->asInt(), 24);
}

TEST(SnapshotRequest, ARequestAsARunEndsIsDropped) {
  // The host function asks for suspension as the guest's last act: no suspension point
  // follows, so the request ends with the run and the next call is not suspended.
  auto app = std::make_shared<HostModule>("app");
  int pokes = 0;
  app->function("fun poke()", [&pokes](CallContext& cx, std::span<const Value>) -> Result<Value> {
    pokes++;
    cx.isolate().requestSuspend();
    return Value();
  });
  Program program = compileOk("import app\nfun last(): int {\n  app.poke()\n  return 5\n}\n"
                              "fun other(n: int): int { return n * 2 }\n",
                              {app});
  IsolateConfig config;
  config.hostModules = {app};
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<Value> r = guest->call("last");
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 5);
  EXPECT_FALSE(guest->suspended());
  r = guest->call("other", {4});
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 8);
  EXPECT_EQ(pokes, 1);
}

TEST(SnapshotRequest, TerminatingASuspendedGuestEndsItsNextResume) {
  Program program = compileOk(kRounds);
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  ASSERT_TRUE(guest->load(program));
  guest->requestSuspend();
  ASSERT_FALSE(guest->runMain({}));
  ASSERT_TRUE(guest->suspended());
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  guest->terminate();
  EXPECT_TRUE(guest->suspended()); // until it is resumed
  Result<Value> r = guest->resume();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Error::Kind::Runtime);
  EXPECT_EQ(r.error().errorClass, "LimitError");
  EXPECT_EQ(r.error().limit, Error::Limit::Terminated);
  EXPECT_FALSE(guest->suspended());
  EXPECT_EQ(out, "");
  // The guest is usable afterwards.
  EXPECT_EQ(guest->resume().error().kind, Error::Kind::Usage);
  Result<Value> work = guest->call("work", {10});
  ASSERT_TRUE(work) << work.error().render();
  EXPECT_EQ(work->asInt(), 24);
  // A clone taken before has interrupts of its own.
  std::string cloneOut;
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes, capturing(&cloneOut));
  ASSERT_TRUE(clone);
  r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(cloneOut, runUninterrupted(compileOk(kRounds)).output);
}

TEST(SnapshotRequest, ARequestWhileSuspendedAppliesToTheNextResume) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  ASSERT_TRUE(guest->load(program));
  guest->requestSuspend();
  ASSERT_FALSE(guest->runMain({}));
  int suspensions = 1;
  Result<Value> r = Error{};
  while (true) {
    uint64_t before = guest->stats().instructions;
    if (suspensions < 50) guest->requestSuspend();
    r = guest->resume();
    if (r || !isSuspended(r.error())) break;
    suspensions++;
    EXPECT_EQ(r.error().limit, Error::Limit::Requested);
    uint64_t ran = guest->stats().instructions - before;
    EXPECT_GT(ran, 0u);     // it made progress
    EXPECT_LT(ran, 10000u); // to its next suspension point only
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(suspensions, 50);
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
}

// A module whose `poke` asks, from another thread, that the guest calling it suspend, and
// counts its calls.
struct Poker {
  std::shared_ptr<HostModule> module = std::make_shared<HostModule>("app");
  std::atomic<int> pokes{0};
  Poker() {
    module->function("fun poke()",
                     [this](CallContext& cx, std::span<const Value>) -> Result<Value> {
                       pokes++;
                       InterruptHandle handle = cx.isolate().interruptHandle();
                       std::thread([handle] { handle.requestSuspend(); }).join();
                       return Value();
                     });
    module->function("fun measure(s: string): int",
                     [this](CallContext&, std::span<const Value> args) -> Result<Value> {
                       measures++;
                       return Value(int64_t(args[0].asString()->size()));
                     });
  }
  std::atomic<int> measures{0};
};

// Long natives right after a request: each is abandoned and runs again, whole, on resume.
// Each follows a call, so that a guest resumed in the one before has passed a suspension point.
const char* kLongNatives = R"nuri(import app
fun sortAll(numbers: int[]) {
    app.poke()
    numbers.sort()
}
fun repeated(): string {
    app.poke()
    return "abc".repeat(1500000)
}
fun built(text: string): StringBuilder {
    let sb = StringBuilder()
    sb.append("<")
    app.poke()
    sb.append(text)
    return sb
}
fun joined(text: string): string {
    let words = text.substring(0, 1200000).split("b")
    app.poke()
    return words.join("-")
}
fun main(): int {
    let numbers = new int[150000]
    for (i in 0..150000) {
        numbers[i] = (i * 7919) % 150001
    }
    sortAll(numbers)
    println("sorted ${numbers[0]} ${numbers[1]} ${numbers[149999]}")
    let text = repeated()
    println("repeated ${text.length}")
    println("built ${built(text).length}")
    println("joined ${joined(text).length}")
    return 3
}
)nuri";

TEST(SnapshotRequest, LongNativesAreAbandonedAndRunAgain) {
  Poker poker;
  Program program = compileOk(kLongNatives, {poker.module});
  std::vector<std::string> places;
  std::string out;
  IsolateConfig config = capturing(&out);
  config.hostModules = {poker.module};
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  Result<Value> r = status ? Result<Value>(Value(*status)) : Result<Value>(status.error());
  Runtime runtime;
  while (!r && isSuspended(r.error())) {
    EXPECT_EQ(r.error().limit, Error::Limit::Requested);
    Result<std::vector<uint8_t>> bytes = guest->snapshot();
    ASSERT_TRUE(bytes);
    Result<SnapshotSummary> summary = runtime.inspect(*bytes);
    ASSERT_TRUE(summary) << summary.error().render();
    ASSERT_EQ(summary->trace.size(), 2u);
    places.push_back(summary->trace[0]);
    // Resumed in a clone, which runs the abandoned native again.
    Result<std::unique_ptr<Isolate>> clone = runtime.restore(*bytes, config);
    ASSERT_TRUE(clone) << clone.error().render();
    guest = std::move(*clone);
    r = guest->resume();
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 3);
  EXPECT_EQ(out, "sorted 0 1 150000\nrepeated 4500000\nbuilt 4500001\njoined 1200000\n");
  EXPECT_EQ(poker.pokes, 4); // host functions run once each
  // Each suspension stood at the native that was running (the line after the poke).
  EXPECT_EQ(places,
            (std::vector<std::string>{"at sortAll (main.nuri:4)", "at repeated (main.nuri:8)",
                                      "at built (main.nuri:14)", "at joined (main.nuri:20)"}));
}

TEST(SnapshotRequest, AResumedGuestIsHeldOnlyToItsFirstSuspensionPoint) {
  // Resumed in a clone (or with fresh fuel), the guest passes calls before the second request:
  // the sort that follows it is abandoned, not run to its end.
  Poker poker;
  Program program = compileOk(R"nuri(import app
fun noop() { }
fun main(): int {
    let numbers = new int[300000]
    for (i in 0..300000) {
        numbers[i] = (i * 7919) % 300007
    }
    app.poke()
    noop()
    noop()
    app.poke()
    numbers.sort()
    println(numbers[1])
    return 0
}
)nuri",
                              {poker.module});
  for (bool inClone : {false, true}) {
    SCOPED_TRACE(inClone ? "in a clone" : "in place");
    std::string out;
    IsolateConfig config = capturing(&out);
    config.hostModules = {poker.module};
    std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
    ASSERT_TRUE(guest->load(program));
    Result<int> status = guest->runMain({});
    ASSERT_FALSE(status);
    ASSERT_TRUE(isSuspended(status.error()));
    Runtime runtime;
    auto where = [&] {
      Result<SnapshotSummary> summary = runtime.inspect(*guest->snapshot());
      return summary ? summary->trace : std::vector<std::string>{summary.error().message};
    };
    EXPECT_EQ(where(),
              (std::vector<std::string>{"at noop (main.nuri:2)", "at main (main.nuri:9)"}));
    if (inClone) {
      Result<std::unique_ptr<Isolate>> clone = runtime.restore(*guest->snapshot(), config);
      ASSERT_TRUE(clone) << clone.error().render();
      guest = std::move(*clone);
    } else {
      guest->setFuel(100000000);
    }
    Result<Value> r = guest->resume();
    ASSERT_FALSE(r);
    ASSERT_TRUE(isSuspended(r.error()));
    EXPECT_EQ(where(), std::vector<std::string>{"at main (main.nuri:12)"});
    EXPECT_EQ(out, "");
    r = guest->resume();
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(out, "1\n");
  }
}

TEST(SnapshotRequest, AbandonedNativesGiveBackWhatTheyHeld) {
  // Each round abandons a sort and a case mapping, whose buffers count towards the heap limit
  // while they run: were they kept, the guest would soon be out of heap.
  Poker poker;
  Program program = compileOk(R"nuri(import app
fun noop() { }
fun round(numbers: int[], text: string): int {
    app.poke()
    numbers.sort()
    noop()
    app.poke()
    return text.upper().length + numbers[1]
}
fun main(): int {
    let numbers = new int[60000]
    let text = "abc".repeat(360000)
    var total = 0
    for (k in 0..6) {
        for (i in 0..60000) {
            numbers[i] = (i * 7919 + k) % 60001
        }
        total += round(numbers, text)
    }
    println(total)
    return 0
}
)nuri",
                              {poker.module});
  std::string out;
  IsolateConfig config = capturing(&out);
  config.hostModules = {poker.module};
  config.heapLimitBytes = 32 << 20;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  Result<Value> r = status ? Result<Value>(Value(*status)) : Result<Value>(status.error());
  int suspensions = 0;
  while (!r && isSuspended(r.error())) {
    suspensions++;
    r = guest->resume();
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(out, std::to_string(6 * (1080000 + 1)) + "\n");
  EXPECT_EQ(suspensions, 12);
}

// Allocates much, in objects, arrays and strings, so that the collector runs often.
const char* kAllocating = R"nuri(
class Node {
    var value: int
    var next: Node
    var label: string
    init(value: int, next: Node) {
        this.value = value
        this.next = next
        this.label = "n" + value
    }
}
fun chain(n: int): Node {
    var head: Node = null
    for (i in 0..n) {
        head = Node(i, head)
    }
    return head
}
fun main(): int {
    var checksum = 0
    for (round in 0..8) {
        let head = chain(10000)
        let big = new int[500000 + round]
        big[round] = round
        let keys = new int[100000]
        for (i in 0..100000) {
            keys[i] = (i * 7919 + round) % 100003
        }
        keys.sort()
        let line = "x".repeat(100000 + round).upper()
        var n = head
        var count = 0
        while (n != null) {
            count += n.label.length
            n = n.next
        }
        checksum = (checksum * 31 + count + big.length + keys[7] + line.length) % 1000003
        println("round ${round} ${count} ${checksum}")
    }
    return checksum % 256
}
)nuri";

TEST(SnapshotRequest, RequestsDuringAllocationHeavyWork) {
  Program program = compileOk(kAllocating);
  Ending expected = runUninterrupted(program);
  ASSERT_TRUE(expected.status) << expected.error.render();
  std::string out;
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(capturing(&out));
  ASSERT_TRUE(guest->load(program));
  std::atomic<bool> done{false};
  std::mutex swap; // guards `handle`
  InterruptHandle handle = guest->interruptHandle();
  std::thread asker([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::lock_guard<std::mutex> lock(swap);
      handle.requestSuspend();
    }
  });
  Result<int> status = guest->runMain({});
  Result<Value> r = status ? Result<Value>(Value(*status)) : Result<Value>(status.error());
  int suspensions = 0;
  while (!r && isSuspended(r.error())) {
    EXPECT_EQ(r.error().limit, Error::Limit::Requested);
    if (++suspensions % 32 == 0) { // now and then through a snapshot
      Result<std::vector<uint8_t>> bytes = guest->snapshot();
      ASSERT_TRUE(bytes);
      Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*bytes, capturing(&out));
      ASSERT_TRUE(clone) << clone.error().render();
      std::lock_guard<std::mutex> lock(swap);
      guest = std::move(*clone);
      handle = guest->interruptHandle();
    }
    r = guest->resume();
  }
  done = true;
  asker.join();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
  EXPECT_GT(suspensions, 2);
}

// ---- Host functions ----

TEST(SnapshotHost, ASuspensionWaitsForTheHostFunctionToReturn) {
  auto app = std::make_shared<HostModule>("app");
  int calls = 0;
  Result<std::vector<uint8_t>> inside = Error{};
  app->function("fun step(n: int): int",
                [&](CallContext& cx, std::span<const Value> args) -> Result<Value> {
                  calls++;
                  cx.isolate().requestSuspend();
                  inside = cx.isolate().snapshot(); // not while a host function runs
                  EXPECT_EQ(cx.isolate().resume().error().kind, Error::Kind::Usage);
                  EXPECT_FALSE(cx.isolate().suspended());
                  std::this_thread::sleep_for(std::chrono::milliseconds(1));
                  return Value(*args[0].asInt() + 1);
                });
  Program program = compileOk("import app\nfun main(): int {\n  var x = 0\n"
                              "  for (i in 0..5) {\n    x = app.step(x)\n    println(\"x ${x}\")\n"
                              "  }\n  return x\n}\n",
                              {app});
  std::string out;
  IsolateConfig config = capturing(&out);
  config.hostModules = {app};
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().limit, Error::Limit::Requested);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(out, "x 1\n"); // the host function returned, and its result was used
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().kind, Error::Kind::Usage);
  EXPECT_EQ(inside.error().message,
            "the guest is inside a host function's call: snapshot it after the call returns (a "
            "suspension waits for it)");
  Result<Value> r = status.error();
  int suspensions = 1;
  while (!r && isSuspended(r.error())) {
    EXPECT_EQ(calls, suspensions);
    r = guest->resume();
    if (!r) suspensions++;
  }
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 5);
  EXPECT_EQ(calls, 5);
  // The last call's request finds no suspension point after it (the loop ends without a
  // backward branch): it is dropped with the run.
  EXPECT_EQ(suspensions, 4);
  EXPECT_EQ(out, "x 1\nx 2\nx 3\nx 4\nx 5\n");
}

TEST(SnapshotHost, ACallAbandonedWhileItsArgumentsAreCopiedRunsOnce) {
  // Copying a long string for the host function is abandoned: the function has not run yet,
  // and runs once, when the guest resumes.
  Poker poker;
  Program program = compileOk("import app\nfun main(): int {\n  let text = \"ab\".repeat(2000000)\n"
                              "  app.poke()\n  return app.measure(text) % 256\n}\n",
                              {poker.module});
  std::string out;
  IsolateConfig config = capturing(&out);
  config.hostModules = {poker.module};
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<int> status = guest->runMain({});
  ASSERT_FALSE(status);
  ASSERT_TRUE(isSuspended(status.error()));
  EXPECT_EQ(poker.measures, 0);
  Result<SnapshotSummary> summary = Runtime().inspect(*guest->snapshot());
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->trace, std::vector<std::string>{"at main (main.nuri:5)"});
  Result<std::unique_ptr<Isolate>> clone = Runtime().restore(*guest->snapshot(), config);
  ASSERT_TRUE(clone) << clone.error().render();
  Result<Value> r = (*clone)->resume();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), 4000000 % 256);
  EXPECT_EQ(poker.measures, 1);
  EXPECT_EQ(poker.pokes, 1);
}

TEST(SnapshotHost, HostModulesMustBeGrantedAgainOnRestore) {
  auto app = std::make_shared<HostModule>("app");
  app->function("fun add(a: int, b: int): int",
                [](CallContext&, std::span<const Value> args) -> Result<Value> {
                  return Value(*args[0].asInt() + *args[1].asInt());
                });
  Program program = compileOk("import app.{add}\nvar base = add(1, 2)\n"
                              "fun more(n: int): int {\n  base = add(base, n)\n  return base\n}\n",
                              {app});
  IsolateConfig config;
  config.hostModules = {app};
  std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
  ASSERT_TRUE(guest->load(program));
  Result<std::vector<uint8_t>> bytes = guest->snapshot();
  ASSERT_TRUE(bytes);
  Runtime runtime;
  Result<std::unique_ptr<Isolate>> refused = runtime.restore(*bytes);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::Load);
  EXPECT_NE(refused.error().message.find("host module `app`"), std::string::npos)
      << refused.error().message;
  // Another module of the same name must declare the same functions.
  auto impostor = std::make_shared<HostModule>("app");
  impostor->function("fun add(a: float, b: float): float",
                     [](CallContext&, std::span<const Value>) -> Result<Value> { return Value(); });
  IsolateConfig wrong;
  wrong.hostModules = {impostor};
  refused = runtime.restore(*bytes, wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::Load);
  EXPECT_NE(refused.error().message.find("app.add"), std::string::npos) << refused.error().message;
  // Inspect needs no host modules.
  EXPECT_TRUE(runtime.inspect(*bytes));

  Result<std::unique_ptr<Isolate>> granted = runtime.restore(*bytes, config);
  ASSERT_TRUE(granted) << granted.error().render();
  EXPECT_EQ((*granted)->call("more", {10})->asInt(), 13);
  EXPECT_EQ((*granted)->call("more", {10})->asInt(), 23);
}

// ---- Threads ----

TEST(SnapshotThreads, SnapshotOnOneThreadResumeOnAnother) {
  Program program = compileOk(kRounds);
  Ending expected = runUninterrupted(program);
  std::string out;
  std::vector<uint8_t> bytes;
  std::thread first([&] {
    IsolateConfig config = capturing(&out);
    config.suspendOnLimit = true;
    config.fuel = 40000;
    std::unique_ptr<Isolate> guest = Runtime().newIsolate(config);
    ASSERT_TRUE(guest->load(program));
    guest->setFuel(40000);
    ASSERT_FALSE(guest->runMain({}));
    bytes = *guest->snapshot();
  });
  first.join();
  ASSERT_FALSE(bytes.empty());
  Result<Value> r = Error{};
  std::thread second([&] {
    Result<std::unique_ptr<Isolate>> clone = Runtime().restore(bytes, capturing(&out));
    ASSERT_TRUE(clone) << clone.error().render();
    r = (*clone)->resume();
  });
  second.join();
  ASSERT_TRUE(r) << r.error().render();
  EXPECT_EQ(r->asInt(), *expected.status);
  EXPECT_EQ(out, expected.output);
}

TEST(SnapshotThreads, ManyGuestsMoveBetweenFourThreads) {
  // Each guest runs call("job", i) in slices of fuel; every slice ends in a snapshot that the
  // next free thread restores and resumes.
  Program program = compileOk(R"nuri(
class Acc {
    var items: int[]
    var n: int = 0
    init(size: int) { items = new int[size] }
    fun add(x: int) {
        items[n] = x
        n += 1
    }
}
fun job(seed: int): string {
    let acc = Acc(200)
    var x = seed
    for (i in 0..200) {
        x = (x * 1103515245 + 12345) % 2147483648
        acc.add(x % 1000)
    }
    acc.items.sort()
    return "${seed}: ${acc.items[0]} ${acc.items[100]} ${acc.items[199]}"
}
)nuri");
  constexpr int kGuests = 48;
  std::vector<std::string> expected(kGuests);
  {
    std::unique_ptr<Isolate> reference = Runtime().newIsolate();
    ASSERT_TRUE(reference->load(program));
    for (int i = 0; i < kGuests; i++)
      expected[i] = *reference->call("job", {i})->asString();
  }
  Runtime runtime;
  std::unique_ptr<Isolate> base = runtime.newIsolate();
  ASSERT_TRUE(base->load(program));
  std::vector<uint8_t> templateBytes = *base->snapshot();

  struct Job {
    int id;
    std::vector<uint8_t> bytes; // empty: not started
  };
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Job> queue;
  for (int i = 0; i < kGuests; i++)
    queue.push_back({i, {}});
  int finished = 0;
  std::vector<std::string> results(kGuests);
  std::vector<int> slices(kGuests);
  std::atomic<int> failures{0};
  auto worker = [&] {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready.wait(lock, [&] { return !queue.empty() || finished == kGuests; });
        if (queue.empty()) return;
        job = std::move(queue.front());
        queue.pop_front();
      }
      IsolateConfig config;
      config.suspendOnLimit = true;
      config.fuel = 300;
      Result<Value> r = Error{};
      std::unique_ptr<Isolate> guest;
      if (job.bytes.empty()) {
        Result<std::unique_ptr<Isolate>> clone = runtime.restore(templateBytes, config);
        if (clone) {
          guest = std::move(*clone);
          r = guest->call("job", {job.id});
        }
      } else {
        Result<std::unique_ptr<Isolate>> clone = runtime.restore(job.bytes, config);
        if (clone) {
          guest = std::move(*clone);
          r = guest->resume();
        }
      }
      std::unique_lock<std::mutex> lock(mutex);
      if (!guest) {
        failures++;
        finished++;
      } else if (!r && isSuspended(r.error())) {
        slices[job.id]++;
        Result<std::vector<uint8_t>> bytes = guest->snapshot();
        if (!bytes) {
          failures++;
          finished++;
        } else {
          queue.push_back({job.id, std::move(*bytes)});
        }
      } else {
        results[job.id] = r ? r->asString().value_or("?") : r.error().render();
        finished++;
      }
      ready.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back(worker);
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(results, expected);
  for (int i = 0; i < kGuests; i++)
    EXPECT_GT(slices[i], 3) << i;
}

// ---- Exactness ----

// Errors thrown and caught, closures, string builders, arrays of objects, virtual and interface
// calls and toString; with `fail` as its argument it ends with an uncaught error.
const char* kExact = R"nuri(interface Shape {
    fun area(): int
    fun name(): string
}
class Rect implements Shape {
    var w: int
    var h: int
    init(w: int, h: int) {
        this.w = w
        this.h = h
    }
    fun area(): int { return w * h }
    fun name(): string { return "rect" }
    fun toString(): string { return "${name()} ${w}x${h}" }
    fun hash(): int { return w * 31 + h }
    fun equals(other: Rect): bool { return other != null && w == other.w && h == other.h }
}
class Square extends Rect {
    init(s: int) { super.init(s, s) }
    override fun name(): string { return "square" }
}
class Tri implements Shape {
    var b: int
    var h: int
    init(b: int, h: int) {
        this.b = b
        this.h = h
    }
    fun area(): int { return b * h / 2 }
    fun name(): string { return "tri" }
    fun toString(): string { return "tri " + b + "/" + h }
}
class TooBig extends Error {
    init(message: string) { super.init(message) }
}
fun check(s: Shape): int {
    if (s.area() > 40) {
        throw TooBig("too big: " + s)
    }
    return s.area()
}
fun counter(): () -> int {
    var n = 0
    return { -> n += 1; n }
}
fun describe(shapes: Shape[]): string {
    let sb = StringBuilder()
    for (s in shapes) {
        sb.append(s.name()).append("=").append(s.area()).append(";")
    }
    return sb.toString()
}
fun main(args: string[]): int {
    let next = counter()
    let shapes = new Shape[9]
    for (i in 0..9) {
        if (i % 3 == 0) {
            shapes[i] = Rect(i + 1, 2)
        } else if (i % 3 == 1) {
            shapes[i] = Square(i)
        } else {
            shapes[i] = Tri(i, 3)
        }
    }
    var total = 0
    for (s in shapes) {
        try {
            total += check(s)
            println("ok ${s} #${next()}")
        } catch (e: TooBig) {
            println("caught ${e.message}")
            println(e.stackTrace())
        } finally {
            total += 1
        }
    }
    println(describe(shapes))
    let words = ["pear", "fig", "apple"]
    words.sort()
    println(words)
    println(shapes)
    let scale = { x: int -> x * total }
    println(scale(3))
    let seen = Map<Rect, int>()
    for (s in shapes) {
        if (s is Rect) {
            let r = s as Rect
            seen[r] = seen.get(r, 0) + r.area()
        }
    }
    let key = Rect(1, 2)
    seen[key] += 100
    println(seen)
    let sorted = List<Shape>()
    for (s in shapes) {
        sorted.add(s)
    }
    sorted.sort({ a: Shape, b: Shape -> b.area() - a.area() })
    println(sorted)
    println(hashOf(shapes[2]) == hashOf(Tri(2, 3)))
    println(hashOf(shapes[2]) % 1000000)
    if (args.length > 0 && args[0] == "fail") {
        check(Square(8))
    }
    return total
}
)nuri";

TEST(SnapshotExactness, SlicedThroughSnapshotsLikeAnUninterruptedRun) {
  Program program = compileOk(kExact);
  for (const char* arg : {"pass", "fail"}) {
    Ending expected = runUninterrupted(program, {arg});
    if (std::string_view(arg) == "pass") {
      ASSERT_EQ(expected.status, 2 + 1 + 3 + 8 + 16 + 7 + 14 + 12 + 9) << expected.error.render();
    } else {
      ASSERT_FALSE(expected.status);
      EXPECT_EQ(expected.error.errorClass, "TooBig");
      EXPECT_EQ(expected.error.trace,
                (std::vector<std::string>{"at check (main.nuri:38)", "at main (main.nuri:103)"}));
    }
    EXPECT_NE(expected.output.find("caught too big: square 7x7\nat check (main.nuri:38)\n"
                                   "at main (main.nuri:68)\n"),
              std::string::npos)
        << expected.output;
    for (uint64_t fuel : {1, 3, 17, 100}) {
      Ending sliced = runInSlices(program, fuel, true, {arg});
      SCOPED_TRACE(std::string(arg) + " with fuel " + std::to_string(fuel));
      expectSameEnding(sliced, expected);
      EXPECT_GT(sliced.suspensions, 3);
    }
  }
}

} // namespace
} // namespace nuri
