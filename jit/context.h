// What compiled code reaches through its context register: the isolate's state that it reads
// and writes inline, at offsets asserted here. One context is made for each entry into compiled
// code (CompilerTier::run), on the C++ stack, where the collector sees the objects it names.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/isolate.h"

namespace nuri::jit {

struct Context {
  IsolateState* isolate;
  VmStack* stack;
  Slot* globals;
  StringObject* const* stringConstants;
  const RuntimeType* const* types; // the isolate's type table, by an object header's index
  uint64_t* instructions;          // &isolate->instructions
  uint64_t* checkpoint;            // &isolate->checkpoint
  // Compiled calls stop (and let the interpreter go on) when the machine stack passes this.
  uintptr_t machineStackLimit;
  const std::atomic<const void*>* entries; // CompilerTier::entries
  StringObject* nullText;                  // "null", the text of a toString that returned null
  // Small objects are taken from these lists inline; null when every allocation must go through
  // the isolate (a heap limit to charge, GC-stress mode). The counters are the isolate's.
  gc::SmallBlocks* smallBlocks;
  uint64_t* work;
  uint64_t* allocations;
  uint64_t* allocatedBytes;
};
static_assert(std::is_standard_layout_v<Context>);
// Compiled code reads these at the offsets below.
static_assert(std::is_standard_layout_v<FunctionInfo> && std::is_standard_layout_v<RuntimeType> &&
              std::is_standard_layout_v<ClosureObject>);

// The offsets generated code uses.
namespace offsets {
constexpr int32_t kIsolate = offsetof(Context, isolate);
constexpr int32_t kStack = offsetof(Context, stack);
constexpr int32_t kGlobals = offsetof(Context, globals);
constexpr int32_t kStringConstants = offsetof(Context, stringConstants);
constexpr int32_t kTypes = offsetof(Context, types);
constexpr int32_t kInstructions = offsetof(Context, instructions);
constexpr int32_t kCheckpoint = offsetof(Context, checkpoint);
constexpr int32_t kMachineStackLimit = offsetof(Context, machineStackLimit);
constexpr int32_t kEntries = offsetof(Context, entries);
constexpr int32_t kNullText = offsetof(Context, nullText);
constexpr int32_t kSmallBlocks = offsetof(Context, smallBlocks);
constexpr int32_t kWork = offsetof(Context, work);
constexpr int32_t kAllocations = offsetof(Context, allocations);
constexpr int32_t kAllocatedBytes = offsetof(Context, allocatedBytes);

constexpr int32_t kStackTop = offsetof(VmStack, top);
constexpr int32_t kStackSoftEnd = offsetof(VmStack, softEnd);
constexpr int32_t kFramesSoftEnd = offsetof(VmStack, frames) + offsetof(FrameStack, softEnd);
constexpr int32_t kFrameResult = offsetof(CallFrame, resultRegister);
constexpr int32_t kFrameKind = offsetof(CallFrame, kind);
constexpr int32_t kFramesTop = offsetof(VmStack, frames) + offsetof(FrameStack, top);
constexpr int32_t kFramePc = offsetof(CallFrame, pc);
constexpr int32_t kFrameFunction = offsetof(CallFrame, function);
constexpr int32_t kFrameRegisters = offsetof(CallFrame, registers);

constexpr int32_t kFunctionIndex = offsetof(FunctionInfo, index);
constexpr int32_t kFunctionParams = offsetof(FunctionInfo, paramCount);
constexpr int32_t kFunctionRegisters = offsetof(FunctionInfo, registerCount);
constexpr int32_t kFunctionCode = offsetof(FunctionInfo, code);
constexpr int32_t kTypeVtable = offsetof(RuntimeType, vtable);
constexpr int32_t kClosureFunction = offsetof(ClosureObject, function);
constexpr int32_t kClosureCellCount = offsetof(ClosureObject, cellCount);
constexpr int32_t kClosureCells = offsetof(ClosureObject, cells);
constexpr int32_t kSmallBlockLists = offsetof(gc::SmallBlocks, lists);
constexpr int32_t kArrayLength = offsetof(ArrayObject, length);
constexpr int32_t kArrayElements = offsetof(ArrayObject, elements);
constexpr int32_t kInstanceFields = offsetof(InstanceObject, fields);
constexpr int32_t kCellValue = offsetof(CellObject, value);
} // namespace offsets

} // namespace nuri::jit
