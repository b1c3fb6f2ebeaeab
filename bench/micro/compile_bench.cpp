// How long the compiler takes for small programs, in process: the cost every embedder pays for
// each script it compiles (the prelude, classlib/prelude.nuri, is part of every program).
#include <benchmark/benchmark.h>

#include <string>

#include "nuri/nuri.h"

namespace {

void compile(benchmark::State& state, const char* source) {
  nuri::Runtime runtime;
  for (auto _ : state) {
    nuri::Result<nuri::Program> program = nuri::compileSource(source, "bench.nuri");
    if (!program) {
      state.SkipWithError(program.error().render().c_str());
      break;
    }
    benchmark::DoNotOptimize(program);
  }
}

void BM_CompileOneLine(benchmark::State& state) { compile(state, "let x = 1 + 2\n"); }
BENCHMARK(BM_CompileOneLine);

void BM_CompileHelloWorld(benchmark::State& state) {
  compile(state, "println(\"Hello, world!\")\n");
}
BENCHMARK(BM_CompileHelloWorld);

// The generic collections of the prelude, instantiated for the program.
void BM_CompileCollections(benchmark::State& state) {
  compile(state, "let words = List<string>()\n"
                 "words.add(\"a\")\n"
                 "let counts = Map<string, int>()\n"
                 "for (w in words) { counts.put(w, counts.get(w, 0) + 1) }\n"
                 "println(counts)\n");
}
BENCHMARK(BM_CompileCollections);

// Compiling, loading and running hello world in a fresh isolate, as a host that runs one
// script per isolate does.
void BM_RunHelloWorld(benchmark::State& state) {
  nuri::Runtime runtime;
  nuri::IsolateConfig config;
  std::string printed;
  config.output = [&printed](std::string_view text) { printed = text; };
  for (auto _ : state) {
    nuri::Result<nuri::Program> program =
        nuri::compileSource("println(\"Hello, world!\")\n", "hello.nuri");
    std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
    if (!program || !guest->load(*program) || !guest->runMain({})) {
      state.SkipWithError("hello world failed");
      break;
    }
  }
}
BENCHMARK(BM_RunHelloWorld);

} // namespace

BENCHMARK_MAIN();
