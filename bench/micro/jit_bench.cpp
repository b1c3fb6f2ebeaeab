// What the JIT costs to compile, per bytecode instruction (docs/jit.md): every function of each
// benchmark program (and the prelude it carries) emitted and made executable, as the JIT does
// when a function becomes hot. The counter `us_per_instruction` is the figure the JIT's target
// speaks of (at most 2 µs an instruction on average).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "classlib/natives.h"
#include "jit/emitter.h"
#include "nuri/nuri.h"
#include "vm/linker.h"

namespace {

std::shared_ptr<const nuri::LinkedCode> linkBenchProgram(const std::string& name,
                                                         std::string& error) {
  std::ifstream file(std::string(NURI_BENCH_DIR) + "/" + name + "/" + name + ".nuri");
  std::stringstream text;
  text << file.rdbuf();
  nuri::Result<nuri::Program> program = nuri::compileSource(text.str(), name + ".nuri");
  if (!program) {
    error = program.error().render();
    return nullptr;
  }
  auto module = std::make_shared<const nuri::Module>(program->module());
  return nuri::linkCode(module, nuri::nativeFunction, error);
}

void compileProgram(benchmark::State& state, const std::string& name) {
  std::string error;
  std::shared_ptr<const nuri::LinkedCode> code = linkBenchProgram(name, error);
  if (!code) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<std::atomic<const void*>> entries(code->functions.size());
  asmjit::JitRuntime runtime;
  uint64_t instructions = 0;
  auto started = std::chrono::steady_clock::now();
  nuri::jit::CallSiteCaches caches;
  for (auto _ : state) {
    for (const nuri::FunctionInfo& fn : code->functions) {
      asmjit::CodeHolder holder;
      holder.init(runtime.environment());
      nuri::jit::EmittedFunction emitted;
      void* base = nullptr;
      if (!nuri::jit::emitFunction(fn, *code, entries.data(), caches, holder, emitted, error) ||
          runtime.add(&base, &holder) != asmjit::kErrorOk) {
        state.SkipWithError(("cannot compile " + fn.name + ": " + error).c_str());
        return;
      }
      runtime.release(base);
      instructions += emitted.instructionCount;
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  state.counters["instructions"] =
      benchmark::Counter(double(instructions), benchmark::Counter::kAvgIterations);
  state.counters["us_per_instruction"] = seconds * 1e6 / double(instructions);
}

} // namespace

#define COMPILE_BENCH(name)                                                                        \
  void BM_Compile_##name(benchmark::State& state) { compileProgram(state, #name); }                \
  BENCHMARK(BM_Compile_##name)->Unit(benchmark::kMillisecond)
COMPILE_BENCH(fib);
COMPILE_BENCH(nbody);
COMPILE_BENCH(spectralnorm);
COMPILE_BENCH(binarytrees);
COMPILE_BENCH(fannkuch);
COMPILE_BENCH(shapes);
COMPILE_BENCH(closures);
COMPILE_BENCH(wordfreq);

BENCHMARK_MAIN();
