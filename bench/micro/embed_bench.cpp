// What embedding costs: a new guest, a call into it, a call out of it to the host, an idle
// guest's memory, and the precise heap accounting on an allocation-heavy program.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nuri/nuri.h"

namespace {

const char* const kSmall = R"(
import host.{id}
var calls = 0
fun add(a: int, b: int): int { return a + b }
fun twin(x: int): int { return x }
// n calls to the host's `id`, and the same loop calling a Nuri function, to subtract.
fun toHost(n: int): int {
  var t = 0
  for (i in 0..n) { t += id(i) }
  return t
}
fun toNuri(n: int): int {
  var t = 0
  for (i in 0..n) { t += twin(i) }
  return t
}
)";

std::shared_ptr<nuri::HostModule> hostModule() {
  auto host = std::make_shared<nuri::HostModule>("host");
  host->function("fun id(x: int): int",
                 [](nuri::CallContext&, std::span<const nuri::Value> args)
                     -> nuri::Result<nuri::Value> { return args[0]; });
  return host;
}

struct Fixture {
  nuri::Runtime runtime;
  std::shared_ptr<nuri::HostModule> host = hostModule();
  nuri::IsolateConfig config;
  nuri::Program program;
  Fixture() {
    config.hostModules = {host};
    nuri::CompileOptions options;
    options.hostModules = {host};
    program = *nuri::compileSource(kSmall, "small.nuri", options);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// A new isolate and the load (link, top-level code) of a small shared program.
void BM_NewIsolateAndLoad(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    std::unique_ptr<nuri::Isolate> guest = f.runtime.newIsolate(f.config);
    if (!guest->load(f.program)) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(guest);
  }
}
BENCHMARK(BM_NewIsolateAndLoad);

// A host -> guest call of a trivial function.
void BM_CallTrivial(benchmark::State& state) {
  Fixture& f = fixture();
  std::unique_ptr<nuri::Isolate> guest = f.runtime.newIsolate(f.config);
  if (!guest->load(f.program)) state.SkipWithError("load failed");
  std::vector<nuri::Value> args{1, 2};
  for (auto _ : state) {
    nuri::Result<nuri::Value> r = guest->call("add", args);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CallTrivial);

// Guest -> host calls, 1000 per iteration: compare with BM_GuestToNuri (the same loop calling a
// Nuri function) for the cost of the boundary itself.
void guestLoop(benchmark::State& state, const char* function) {
  Fixture& f = fixture();
  std::unique_ptr<nuri::Isolate> guest = f.runtime.newIsolate(f.config);
  if (!guest->load(f.program)) state.SkipWithError("load failed");
  for (auto _ : state) {
    nuri::Result<nuri::Value> r = guest->call(function, {1000});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
void BM_GuestToHost(benchmark::State& state) { guestLoop(state, "toHost"); }
void BM_GuestToNuri(benchmark::State& state) { guestLoop(state, "toNuri"); }
BENCHMARK(BM_GuestToHost);
BENCHMARK(BM_GuestToNuri);

long residentKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Resident memory per idle guest (loaded, not running): a counter, not a time.
void BM_IdleGuestMemory(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    std::vector<std::unique_ptr<nuri::Isolate>> guests;
    long before = residentKb();
    for (int i = 0; i < 1000; i++) {
      guests.push_back(f.runtime.newIsolate(f.config));
      if (!guests.back()->load(f.program)) state.SkipWithError("load failed");
    }
    state.counters["KB_per_guest"] = double(residentKb() - before) / 1000;
  }
}
BENCHMARK(BM_IdleGuestMemory)->Iterations(1);

// binarytrees (bench/binarytrees) at depth 14, without and with a heap limit (which makes the
// guest's live bytes be counted by walking its objects): the cost of precise accounting.
std::string binarytreesSource() {
  std::ifstream file(NURI_BENCH_DIR "/binarytrees/binarytrees.nuri");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void binarytrees(benchmark::State& state, uint64_t heapLimit) {
  static nuri::Runtime runtime;
  static nuri::Result<nuri::Program> program =
      nuri::compileSource(binarytreesSource(), "binarytrees.nuri");
  if (!program) {
    state.SkipWithError(program.error().render().c_str());
    return;
  }
  for (auto _ : state) {
    nuri::IsolateConfig config;
    config.heapLimitBytes = heapLimit;
    config.output = [](std::string_view) {};
    std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
    if (!guest->load(*program)) state.SkipWithError("load failed");
    nuri::Result<int> status = guest->runMain({"14"});
    if (!status) state.SkipWithError(status.error().render().c_str());
  }
}
void BM_BinarytreesNoLimit(benchmark::State& state) { binarytrees(state, 0); }
void BM_BinarytreesHeapLimit(benchmark::State& state) { binarytrees(state, 16 << 20); }
BENCHMARK(BM_BinarytreesNoLimit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BinarytreesHeapLimit)->Unit(benchmark::kMillisecond);

} // namespace
BENCHMARK_MAIN();
