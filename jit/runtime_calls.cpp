#include "jit/runtime_calls.h"

#include <cstdio>
#include <cstdlib>

#include "interpreter/interpreter.h"
#include "interpreter/slow_paths.h"

namespace nuri::jit {

namespace {

const FunctionInfo* interfaceMethod(Context* ctx, const void* receiver, const ClassInfo* iface,
                                    uint32_t slot) {
  return ctx->isolate->typeOf(receiver)->cls->interfaceTable(iface)->methods[slot];
}

} // namespace

bool stepFromCompiled(Context* ctx) { return stepInstruction(*ctx->isolate); }

bool nativeFromCompiled(Context* ctx) {
  IsolateState& I = *ctx->isolate;
  bool ok = callNative(I);
  uint64_t count, checkpoint;
  afterLongOperation(I, count, checkpoint);
  I.checkpoint = checkpoint;
  if (ok) I.instructions = count + 1; // the native itself, as the interpreter counts it
  return ok;
}

uint64_t stringsEqualFromCompiled(Context* ctx, const StringObject* a, const StringObject* b) {
  return stringsEqualCharged(*ctx->isolate, a, b);
}

void homeDiffersFromCompiled(Context*, const FunctionInfo* function, uint32_t pc, uint32_t reg) {
  std::fprintf(stderr,
               "nuri: JIT verify: before the call out at pc %u of %s, the home of r%u does not "
               "hold its slot's value\n",
               pc, function->name.c_str(), reg);
  std::abort();
}

bool raiseFromCompiled(Context* ctx) { return raiseInstructionError(*ctx->isolate); }

bool checkLimitsFromCompiled(Context* ctx) {
  IsolateState& I = *ctx->isolate;
  I.suspendHold = false; // a resumed guest has made progress
  return I.checkLimits(I.instructions, CheckSite::SuspensionPoint);
}

const void* entryOfInnermost(Context* ctx) {
  IsolateState& I = *ctx->isolate;
  const FunctionInfo* callee = I.stack.frames.back().function;
  const void* code = ctx->entries[callee->index].load(std::memory_order_acquire);
  return code ? code : I.tier->entryOnCall(I, callee);
}

const FunctionInfo* interfaceMethodCached(Context* ctx, const void* receiver,
                                          const ClassInfo* iface, uint32_t slot,
                                          std::atomic<uint64_t>* cache) {
  const FunctionInfo* method = interfaceMethod(ctx, receiver, iface, slot);
  cache->store(uint64_t(typeIndexOf(receiver)) << 32 | method->index, std::memory_order_relaxed);
  return method;
}

} // namespace nuri::jit
