#include "jit/jit.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <pthread.h>
#include <unistd.h>

#include "jit/context.h"
#include "jit/emitter.h"
#include "vm/bytecode/disasm.h"

namespace nuri::jit {
namespace {

using Trampoline = TierResult (*)(Context* ctx, const void* code, Slot* registers,
                                  CallFrame* frame);

// How much machine stack compiled calls may use below where compiled code was entered before
// they stop and let the interpreter take the next callee (which then starts afresh), and how
// much of the thread's stack they leave for the C++ code that compiled code calls.
constexpr uintptr_t kMachineStackBudget = 512u << 10;
constexpr uintptr_t kMachineStackReserve = 64u << 10;

// The lowest address of this thread's stack (0 when unknown), found once per thread: a host
// may run guests on threads with small stacks.
uintptr_t threadStackLow() {
  thread_local uintptr_t low = [] {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return uintptr_t(0);
    void* address = nullptr;
    size_t size = 0;
    int status = pthread_attr_getstack(&attributes, &address, &size);
    pthread_attr_destroy(&attributes);
    return status == 0 ? uintptr_t(address) : uintptr_t(0);
  }();
  return low;
}

// A program's compiled code: its functions' entries, their loop entries, the counters that say
// when to compile, and the memory that holds the code.
class ProgramJit final : public CompilerTier {
public:
  explicit ProgramJit(const LinkedCode& program)
      : program_(program), functionCount_(program.functions.size()),
        entries_(new std::atomic<const void*>[functionCount_]),
        hotness_(new std::atomic<uint32_t>[functionCount_]),
        failed_(new std::atomic<bool>[functionCount_]), compiled_(functionCount_) {
    for (size_t i = 0; i < functionCount_; i++) {
      entries_[i].store(nullptr, std::memory_order_relaxed);
      hotness_[i].store(0, std::memory_order_relaxed);
      failed_[i].store(false, std::memory_order_relaxed);
    }
    entries = entries_.get();
  }

  ~ProgramJit() override {
    if (perfMap_) std::fclose(perfMap_);
  }

  const void* entryOnCall(IsolateState& I, const FunctionInfo* fn) override {
    if (failed_[fn->index].load(std::memory_order_relaxed) || !isHot(I, fn)) return nullptr;
    return compile(I, fn);
  }

  const void* entryOnLoop(IsolateState& I, const FunctionInfo* fn,
                          const uint32_t* target) override {
    if (!entries_[fn->index].load(std::memory_order_acquire)) {
      if (failed_[fn->index].load(std::memory_order_relaxed) || !isHot(I, fn) || !compile(I, fn)) {
        return nullptr;
      }
    }
    // Published with the entry (release/acquire above), and never changed after.
    const std::vector<std::pair<uint32_t, const void*>>& loops = compiled_[fn->index].loops;
    uint32_t pc = uint32_t(target - fn->code);
    auto it = std::lower_bound(loops.begin(), loops.end(), std::make_pair(pc, (const void*)0));
    if (it == loops.end() || it->first != pc) return nullptr;
    loopEntries_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
  }

  TierResult run(IsolateState& I, const void* code) override {
    CallFrame& frame = I.stack.frames.back();
    Context ctx{};
    ctx.isolate = &I;
    ctx.stack = &I.stack;
    ctx.globals = I.program.globals;
    ctx.stringConstants = I.program.stringConstants;
    ctx.types = I.typeTable.data();
    ctx.instructions = &I.instructions;
    ctx.checkpoint = &I.checkpoint;
    uintptr_t here = uintptr_t(__builtin_frame_address(0));
    ctx.machineStackLimit = std::max(here - std::min(here, kMachineStackBudget),
                                     threadStackLow() + kMachineStackReserve);
    ctx.entries = entries_.get();
    ctx.nullText = I.nullText();
    if (!I.accountsAllocations && !gc::stressMode()) ctx.smallBlocks = I.smallBlocks;
    ctx.work = &I.work;
    ctx.allocations = &I.allocations;
    ctx.allocatedBytes = &I.allocatedBytes;
    return trampoline_(&ctx, code, frame.registers, &frame);
  }

  JitStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    JitStats s = stats_;
    s.loopEntries = loopEntries_.load(std::memory_order_relaxed);
    return s;
  }

private:
  struct Compiled {
    std::vector<std::pair<uint32_t, const void*>> loops; // by pc
    bool failed = false;
  };

  const LinkedCode& program_;
  size_t functionCount_;
  asmjit::JitRuntime runtime_;      // the code's memory, freed with the program
  Trampoline trampoline_ = nullptr; // published with the first entry (release/acquire)
  std::unique_ptr<std::atomic<const void*>[]> entries_;
  // Calls and backward branches counted towards jitThreshold, by every isolate of the program:
  // a counter that loses an increment to a race only compiles a little later.
  std::unique_ptr<std::atomic<uint32_t>[]> hotness_;
  // Functions that cannot be compiled (past the code limit, or asmjit failed): asked about
  // without the lock, so that they cost nothing more once known.
  std::unique_ptr<std::atomic<bool>[]> failed_;
  mutable std::mutex mutex_; // compiling, stats_, compiled_ until published
  std::vector<Compiled> compiled_;
  CallSiteCaches callSiteCaches_; // grown under mutex_, read by compiled code
  JitStats stats_;
  std::atomic<uint64_t> loopEntries_{0};
  // With NURI_JIT_PERF_MAP=1: /tmp/perf-PID.map, which names compiled functions for `perf`.
  FILE* perfMap_ = openPerfMap();

  static FILE* openPerfMap() {
    const char* wanted = std::getenv("NURI_JIT_PERF_MAP");
    if (!wanted || std::string_view(wanted) != "1") return nullptr;
    return std::fopen(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str(), "a");
  }

  // The trampoline, made with the first function compiled: a program that never gets hot
  // (hello, world) pays nothing for the JIT at start-up. Under mutex_.
  bool makeTrampoline() {
    if (trampoline_) return true;
    asmjit::CodeHolder code;
    code.init(runtime_.environment());
    std::string error;
    return emitTrampoline(code, error) && runtime_.add(&trampoline_, &code) == asmjit::kErrorOk;
  }

  bool isHot(const IsolateState& I, const FunctionInfo* fn) {
    if (I.config.jit == JitMode::Always) return true;
    std::atomic<uint32_t>& counter = hotness_[fn->index];
    uint32_t count = counter.load(std::memory_order_relaxed) + 1;
    counter.store(count, std::memory_order_relaxed);
    return count >= std::max<uint32_t>(I.config.jitThreshold, 1);
  }

  // Compiles `fn` unless done before; its entry, or null if it cannot be compiled.
  const void* compile(IsolateState& I, const FunctionInfo* fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const void* entry = entries_[fn->index].load(std::memory_order_relaxed)) return entry;
    Compiled& record = compiled_[fn->index];
    if (record.failed || !makeTrampoline()) return nullptr;
    auto started = std::chrono::steady_clock::now();
    bool dump = !I.config.jitDump.empty() && fn->name == I.config.jitDump;
    asmjit::CodeHolder code;
    code.init(runtime_.environment());
    asmjit::StringLogger logger;
    if (dump) code.setLogger(&logger);
    EmittedFunction emitted;
    std::string error;
    void* base = nullptr;
    if (!emitFunction(*fn, program_, entries_.get(), callSiteCaches_, code, emitted, error) ||
        (I.config.jitCodeLimitBytes &&
         stats_.codeBytes + code.codeSize() > I.config.jitCodeLimitBytes) ||
        runtime_.add(&base, &code) != asmjit::kErrorOk) {
      record.failed = true; // stays interpreted: past the code limit, or out of memory
      failed_[fn->index].store(true, std::memory_order_relaxed);
      return nullptr;
    }
    auto at = [&](const asmjit::Label& label) {
      return static_cast<const void*>(static_cast<const uint8_t*>(base) +
                                      code.labelOffsetFromBase(label));
    };
    for (const auto& [pc, label] : emitted.loops)
      record.loops.emplace_back(pc, at(label));
    const void* entry = at(emitted.start);
    stats_.functions++;
    stats_.instructions += emitted.instructionCount;
    stats_.codeBytes += code.codeSize();
    stats_.compileSeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (dump && I.config.errorOutput) {
      stats_.dumped++;
      I.config.errorOutput("-- jit: " + fn->name + " (" + std::to_string(code.codeSize()) +
                           " bytes of machine code) --\n" +
                           disassembleFunction(*program_.module, fn->index) + "\n" + logger.data() +
                           "\n");
    }
    if (perfMap_) {
      std::fprintf(perfMap_, "%lx %zx nuri:%s\n", static_cast<unsigned long>(uintptr_t(base)),
                   code.codeSize(), fn->name.c_str());
      std::fflush(perfMap_);
    }
    entries_[fn->index].store(entry, std::memory_order_release);
    return entry;
  }
};

} // namespace

bool available() { return true; }

CompilerTier* tierFor(const LinkedCode& code) {
  std::lock_guard<std::mutex> lock(code.tierMutex);
  if (!code.tier) code.tier = std::make_unique<ProgramJit>(code);
  return code.tier.get();
}

JitStats statsOf(const CompilerTier& tier) { return static_cast<const ProgramJit&>(tier).stats(); }

} // namespace nuri::jit
