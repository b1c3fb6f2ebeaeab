// What snapshots cost (docs/snapshots.md): writing and restoring guests with a small, a 1 MB and
// a 100 MB heap, and cloning a small template. Counters give the snapshot's size against the
// guest's live bytes.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nuri/nuri.h"

namespace {

// A template holding `nodes` objects: each a small instance with a string and an int[] of 4.
std::string program(int nodes) {
  return R"(
class Node {
  let name: string
  let values: int[]
  var next: Node
  init(name: string, values: int[], next: Node) {
    this.name = name
    this.values = values
    this.next = next
  }
}
var head: Node = null
for (i in 0..)" +
         std::to_string(nodes) + R"() {
  head = Node("node " + i, [i, i + 1, i + 2, i + 3], head)
}
fun main(): int {
  var n = 0
  var p = head
  while (p != null) {
    n += 1
    p = p.next
  }
  return n
}
)";
}

struct Template {
  nuri::Runtime runtime;
  std::vector<uint8_t> bytes;
  std::unique_ptr<nuri::Isolate> guest;
  explicit Template(int nodes) {
    auto compiled = nuri::compileSource(program(nodes), "template.nuri");
    guest = runtime.newIsolate();
    (void)guest->load(*compiled);
    bytes = *guest->snapshot();
  }
};

Template& templateOf(int nodes) {
  static std::map<int, std::unique_ptr<Template>> made;
  auto& t = made[nodes];
  if (!t) t = std::make_unique<Template>(nodes);
  return *t;
}

void reportSizes(benchmark::State& state, Template& t) {
  nuri::Stats stats = t.guest->stats();
  state.counters["live_bytes"] = double(stats.liveBytes);
  state.counters["file_bytes"] = double(t.bytes.size());
  state.counters["file_per_live"] = double(t.bytes.size()) / double(stats.liveBytes);
}

// Writing the snapshot of a guest with `nodes` objects of about 140 bytes each.
void BM_Snapshot(benchmark::State& state) {
  Template& t = templateOf(int(state.range(0)));
  for (auto _ : state) {
    auto bytes = t.guest->snapshot();
    benchmark::DoNotOptimize(bytes);
  }
  reportSizes(state, t);
}

// Restoring it: the program is verified once per Runtime, then every restore is a clone.
void BM_Restore(benchmark::State& state) {
  Template& t = templateOf(int(state.range(0)));
  for (auto _ : state) {
    auto clone = t.runtime.restore(t.bytes);
    benchmark::DoNotOptimize(clone);
  }
  reportSizes(state, t);
}

// A clone of a small template, then a call to its main.
void BM_CloneAndRun(benchmark::State& state) {
  Template& t = templateOf(10);
  for (auto _ : state) {
    auto clone = t.runtime.restore(t.bytes);
    benchmark::DoNotOptimize((*clone)->runMain({}));
  }
}

// 10 nodes: a small template; 7,000 nodes: about 1 MB; 700,000 nodes: about 100 MB.
BENCHMARK(BM_Snapshot)->Arg(10)->Arg(7000)->Arg(700000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Restore)->Arg(10)->Arg(7000)->Arg(700000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CloneAndRun)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
