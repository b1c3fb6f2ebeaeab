// Reads a snapshot (docs/snapshots.md) into a fresh isolate, checking it as strictly as the
// bytecode reader and verifier check a .nbc file: every count is bounded by the bytes left
// before anything is allocated for it, every index is checked before it is used, every
// reference must point at an object of the type its slot declares, and every frame must stand
// where the interpreter could have left it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "gc/heap.h"
#include "snapshot/snapshot.h"
#include "support/byte_codec.h"
#include "support/crc32c.h"
#include "support/sha256.h"
#include "support/utf8.h"
#include "vm/bytecode/format.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

uint32_t readU32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

std::string version(uint16_t major, uint16_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// The object table of a restore: every object of the snapshot by its number, in memory the
// collector scans (the objects are reachable from nothing else until the globals and frames
// are set).
class ObjectTable {
public:
  explicit ObjectTable(uint64_t count)
      : objects_(count ? static_cast<void**>(gc::allocateRoots(count * sizeof(void*))) : nullptr),
        count_(count) {}
  ~ObjectTable() {
    if (objects_) gc::freeRoots(objects_);
  }
  ObjectTable(const ObjectTable&) = delete;
  ObjectTable& operator=(const ObjectTable&) = delete;
  bool ok() const { return objects_ || !count_; }
  void*& operator[](uint64_t i) { return objects_[i]; }
  uint64_t size() const { return count_; }

private:
  void** objects_;
  uint64_t count_;
};

class GuestReader {
public:
  GuestReader(IsolateState& isolate, const SnapshotInfo& info)
      : I_(isolate), P_(isolate.program), info_(info),
        in_(info.guestData.data(), info.guestData.size(), "snapshot") {}

  bool run(std::string& error) {
    try {
      readObjects();
      if (I_.pending) return false;
      readGlobals();
      readFrames();
      readIsolateRoots();
      readAccounting();
      readHostData();
      in_.expectEnd();
      return true;
    } catch (const LoadFailure& failure) {
      error = failure.message;
      return false;
    }
  }

private:
  // ---- Objects: allocated in one pass, with references kept as numbers, then linked ----

  void readObjects() {
    // Each object takes at least 5 bytes (its type and identity hash).
    uint64_t count = in_.varint64();
    if (count > in_.remaining() / 5) {
      fail("snapshot: object count " + std::to_string(count) + " exceeds the data left");
    }
    table_ = std::make_unique<ObjectTable>(count);
    if (!table_->ok())
      fail("snapshot: no memory for a table of " + std::to_string(count) + " objects");
    // Under a heap limit no guest's live objects pass limit + limit/8 (the most a guest
    // allocates between two walks of its heap): stop a snapshot that claims more before it
    // takes the memory (the walk after the restore checks the exact figure).
    uint64_t limit = I_.config.heapLimitBytes;
    uint64_t before = I_.allocatedBytes;
    // Everything made here stays live: for a large heap, collecting as it grows would only
    // mark it again and again. (A small one had better reuse the garbage of earlier guests,
    // which a collection frees; in GC-stress mode the collections are the point.)
    constexpr size_t kPauseAbove = 8u << 20;
    std::optional<gc::CollectionPause> pause;
    if (!I_.heapChecks && info_.guestData.size() > kPauseAbove) pause.emplace();
    for (uint64_t i = 0; i < count; i++) {
      void* object = readObject(i);
      if (!object) return; // a limit of the isolate: its error is pending
      (*table_)[i] = object;
      if (limit && I_.allocatedBytes - before > limit + limit / 8) {
        I_.raise(ErrorClass::LimitError,
                 "the snapshot's guest does not fit: " + I_.heapLimitMessage());
        I_.markHeapLimit();
        return;
      }
    }
    for (uint64_t i = 0; i < count; i++)
      linkObject((*table_)[i], i);
  }

  // An object whose references hold numbers (plus one; 0 is null) until linkObject.
  void* readObject(uint64_t number) {
    uint32_t typeIndex = in_.varint();
    if (typeIndex == kNoType || typeIndex >= I_.typeTable.size()) {
      fail("snapshot: object " + std::to_string(number) + " has type index " +
           std::to_string(typeIndex) + ", outside the program's " +
           std::to_string(I_.typeTable.size()) + " types");
    }
    const RuntimeType* type = I_.typeTable[typeIndex];
    uint32_t hash = in_.u32();
    void* object = nullptr;
    switch (type->kind) {
    case TypeKind::String: object = readString(number); break;
    case TypeKind::StringBuilder: object = readBuilder(number); break;
    case TypeKind::Array: object = readArray(type, number); break;
    case TypeKind::Class:
      if (type->cls->isInterface) {
        fail("snapshot: object " + std::to_string(number) + " is of interface type " + type->name +
             ", which no object can have");
      }
      if (type->cls->isAbstract) {
        fail("snapshot: object " + std::to_string(number) + " is of abstract class " + type->name +
             ", which no object can have");
      }
      object = readInstance(type);
      break;
    case TypeKind::Cell: object = readCell(type); break;
    case TypeKind::Function: object = readClosure(type, number); break;
    default:
      fail("snapshot: object " + std::to_string(number) + " has type " + type->name +
           ", which no object can have");
    }
    if (object) static_cast<ObjectHeader*>(object)->hash = hash;
    return object;
  }

  std::string_view readText(uint64_t number, const char* what) {
    uint64_t length = in_.varint64();
    if (length >= kMaxStringBytes || length > in_.remaining()) {
      fail("snapshot: the " + std::string(what) + " of object " + std::to_string(number) +
           " claims " + std::to_string(length) + " bytes, more than the data left");
    }
    std::string_view text(reinterpret_cast<const char*>(in_.raw(length)), length);
    if (!isValidUtf8(text)) {
      fail("snapshot: the " + std::string(what) + " of object " + std::to_string(number) +
           " is not valid UTF-8");
    }
    return text;
  }

  void* readString(uint64_t number) { return I_.newString(readText(number, "string")); }

  void* readBuilder(uint64_t number) {
    std::string_view text = readText(number, "StringBuilder");
    // A builder's buffer grows by doubling: never more than about twice what it holds.
    uint64_t capacity = in_.varint64();
    bool empty = capacity == 0 && text.empty();
    if (!empty && (capacity <= text.size() || capacity > 2 * uint64_t(text.size()) + 64)) {
      fail("snapshot: StringBuilder " + std::to_string(number) + " holds " +
           std::to_string(text.size()) + " bytes in a buffer of " + std::to_string(capacity));
    }
    StringBuilderObject* b = I_.newStringBuilder();
    if (!b || empty) return b;
    TemporaryRoot root(I_, &b);
    auto* buffer = static_cast<char*>(I_.allocate(capacity, false));
    if (!buffer) return nullptr;
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    b->buffer = buffer;
    b->length = text.size();
    b->capacity = capacity;
    b->codePoints = countCodePoints(text);
    return b;
  }

  void* readArray(const RuntimeType* type, uint64_t number) {
    uint64_t length = in_.varint64();
    TypeKind element = type->element->kind;
    uint64_t minBytes = element == TypeKind::Int || element == TypeKind::Float ? 8 : 1;
    if (length > uint64_t(kMaxArrayLength) || length > in_.remaining() / minBytes) {
      fail("snapshot: array " + std::to_string(number) + " claims " + std::to_string(length) +
           " elements, more than the data left");
    }
    ArrayObject* a = I_.newArray(type, int64_t(length));
    if (!a) return nullptr;
    if (minBytes == 8) {
      std::memcpy(a->elements, in_.raw(length * 8), length * 8); // little-endian, as in memory
    } else {
      for (uint64_t i = 0; i < length; i++)
        a->elements[i] = readValue(type->element);
    }
    return a;
  }

  void* readInstance(const RuntimeType* type) {
    InstanceObject* o = I_.newInstance(type->cls);
    if (!o) return nullptr;
    const std::vector<FieldInfo>& fields = type->cls->fields;
    for (size_t i = 0; i < fields.size(); i++)
      o->fields[i] = readValue(fields[i].type);
    return o;
  }

  void* readCell(const RuntimeType* type) {
    CellObject* c = I_.newCell(type);
    if (!c) return nullptr;
    c->value = readValue(type->element);
    return c;
  }

  void* readClosure(const RuntimeType* type, uint64_t number) {
    uint32_t function = in_.varint();
    uint32_t cells = in_.varint();
    if (function >= P_.functions.size()) {
      fail("snapshot: function value " + std::to_string(number) + " names function " +
           std::to_string(function) + " of " + std::to_string(P_.functions.size()));
    }
    // Only a function value the program could make: one of its NEW_CLOSURE instructions makes
    // this function with this type and this many captured cells.
    if (!closureKinds().count({function, type->index, cells})) {
      fail("snapshot: function value " + std::to_string(number) + " (" + type->name + ") of `" +
           P_.functions[function].name + "` with " + std::to_string(cells) +
           " captured variables is not one the program makes");
    }
    ClosureObject* c = I_.newClosure(type, &P_.functions[function], cells);
    if (!c) return nullptr;
    for (uint32_t i = 0; i < cells; i++)
      c->cells[i] = static_cast<CellObject*>(numberAsPointer(readNumber()));
    return c;
  }

  // The (function, type, cells) of every NEW_CLOSURE in the program.
  const std::set<std::tuple<uint32_t, uint32_t, uint32_t>>& closureKinds() {
    if (closureKindsMade_) return closureKinds_;
    closureKindsMade_ = true;
    for (const FunctionInfo& fn : P_.functions) {
      for (uint32_t pc = 0; pc < fn.codeSize;) {
        const uint32_t* at = fn.code + pc;
        if (Opcode(*at) == Opcode::NEW_CLOSURE) {
          closureKinds_.insert({at[2], fn.registerTypes[at[1]]->index, at[3]});
        }
        pc += instructionLength(at, fn.codeSize - pc);
      }
    }
    return closureKinds_;
  }

  // A slot of `type`; a reference as its number (see readObject).
  Slot readValue(const RuntimeType* type) {
    Slot slot{};
    switch (type->kind) {
    case TypeKind::Void: break;
    case TypeKind::Int: slot.i = in_.svarint(); break;
    case TypeKind::Float: slot.f = in_.f64(); break;
    case TypeKind::Bool: {
      uint8_t b = in_.u8();
      if (b > 1) fail("snapshot: a bool holds " + std::to_string(b));
      slot.i = b;
      break;
    }
    default: slot.p = numberAsPointer(readNumber()); break;
    }
    return slot;
  }

  uint64_t readNumber() {
    uint64_t n = in_.varint64();
    if (n > table_->size()) {
      fail("snapshot: a reference to object " + std::to_string(n - 1) + " of " +
           std::to_string(table_->size()));
    }
    return n;
  }
  static void* numberAsPointer(uint64_t n) { return reinterpret_cast<void*>(uintptr_t(n)); }

  // Whether `a` and `b` are the same type, as the verifier compares types. At run time a
  // function value or a cell knows only its kind (isInstance compares no more), but the code
  // that uses one relies on its exact type: a cell<int> read as a cell<string> would hand out
  // an int as a string.
  bool sameType(const RuntimeType* a, const RuntimeType* b) const {
    if (a == b) return true;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case TypeKind::Array:
    case TypeKind::Cell: return sameType(a->element, b->element);
    case TypeKind::Class: return a->cls == b->cls;
    case TypeKind::Function: { // always a type entry of the program
      const TypeEntry& x = P_.module->types[a->index - kFirstProgramType];
      const TypeEntry& y = P_.module->types[b->index - kFirstProgramType];
      if (x.params.size() != y.params.size() || !sameType(typeAt(x.element), typeAt(y.element)))
        return false;
      for (size_t i = 0; i < x.params.size(); i++) {
        if (!sameType(typeAt(x.params[i]), typeAt(y.params[i]))) return false;
      }
      return true;
    }
    default: return true;
    }
  }
  const RuntimeType* typeAt(uint32_t entry) const { return P_.types[entry].get(); }

  // The object a reference number names, checked against the type its slot declares: an
  // object of the class or a subclass (or a class implementing the interface), anything else
  // of exactly that type.
  void* resolve(void* numbered, const RuntimeType* declared) {
    uint64_t n = uint64_t(reinterpret_cast<uintptr_t>(numbered));
    if (!n) return nullptr;
    void* target = (*table_)[n - 1];
    const RuntimeType* actual = I_.typeOf(target);
    bool fits =
        actual->kind == TypeKind::Class ? isInstance(actual, declared) : sameType(actual, declared);
    if (actual->kind != declared->kind || !fits) {
      fail("snapshot: a slot of type " + declared->name + " refers to object " +
           std::to_string(n - 1) + " of type " + actual->name);
    }
    return target;
  }

  void linkSlot(Slot& slot, const RuntimeType* type) {
    if (isReferenceKind(type->kind)) slot.p = resolve(slot.p, type);
  }

  void linkObject(void* object, uint64_t number) {
    const RuntimeType* type = I_.typeOf(object);
    switch (type->kind) {
    case TypeKind::Array: {
      auto* a = static_cast<ArrayObject*>(object);
      if (type->holdsReferences) {
        for (int64_t i = 0; i < a->length; i++)
          linkSlot(a->elements[i], type->element);
      }
      break;
    }
    case TypeKind::Class: {
      auto* o = static_cast<InstanceObject*>(object);
      const std::vector<FieldInfo>& fields = type->cls->fields;
      for (size_t i = 0; i < fields.size(); i++)
        linkSlot(o->fields[i], fields[i].type);
      break;
    }
    case TypeKind::Cell: linkSlot(static_cast<CellObject*>(object)->value, type->element); break;
    case TypeKind::Function: {
      auto* c = static_cast<ClosureObject*>(object);
      for (uint64_t i = 0; i < c->cellCount; i++) {
        c->cells[i] = static_cast<CellObject*>(resolve(c->cells[i], c->function->registerTypes[i]));
      }
      break;
    }
    default: break; // strings and builders hold no references
    }
  }

  // ---- Globals and frames ----

  void readGlobals() {
    const Module& m = *P_.module;
    for (size_t i = 0; i < m.globals.size(); i++) {
      const RuntimeType* type = P_.types[m.globals[i].type].get();
      Slot slot = readValue(type);
      linkSlot(slot, type);
      P_.globals[i] = slot;
    }
  }

  void readFrames() {
    uint64_t count = in_.varint64();
    bool suspended = info_.state == nsnap::State::Suspended;
    if (!suspended && count) {
      fail("snapshot: a guest that is not suspended has " + std::to_string(count) + " frames");
    }
    if (suspended && !count) fail("snapshot: a suspended guest has no frames");
    if (count > I_.config.stackLimitFrames) {
      fail("snapshot: the guest has " + std::to_string(count) +
           " frames, more than the stack limit of " + std::to_string(I_.config.stackLimitFrames));
    }
    if (count > in_.remaining() / 2) fail("snapshot: frame count exceeds the data left");
    if (count && !I_.stack.base) fail("snapshot: no VM stack to restore frames on");
    Slot* base = I_.stack.base;
    for (uint64_t k = 0; k < count; k++) {
      uint32_t index = in_.varint();
      if (index >= P_.functions.size()) {
        fail("snapshot: frame " + std::to_string(k) + " names function " + std::to_string(index) +
             " of " + std::to_string(P_.functions.size()));
      }
      const FunctionInfo* fn = &P_.functions[index];
      uint32_t pc = in_.varint();
      if (!isInstructionStart(fn, pc)) {
        fail("snapshot: frame " + std::to_string(k) + " of `" + fn->name + "` stands at " +
             std::to_string(pc) + ", not at an instruction of it");
      }
      if (uint64_t(I_.stack.end - base) < fn->registerCount) {
        fail("snapshot: the frames need more than the VM stack of " +
             std::to_string(I_.stack.reserveBytes) + " bytes");
      }
      for (uint32_t r = 0; r < fn->registerCount; r++) {
        base[r] = readValue(fn->registerTypes[r]);
        linkSlot(base[r], fn->registerTypes[r]);
      }
      I_.stack.frames.push({fn, fn->code + pc, base, 0, FrameKind::Entry});
      base += fn->registerCount;
      I_.stack.top = base;
    }
    for (size_t k = 0; k < I_.stack.frames.size(); k++)
      checkFrame(k);
    // The next call asks for more stack as any call does (IsolateState::extendStack): the soft
    // limits need only cover what the frames use now, which the heap limit's check after the
    // restore counts.
    I_.stack.softEnd = std::max(I_.stack.softEnd, I_.stack.top);
    I_.stack.frames.setSoftLimit(
        std::max<uint64_t>(I_.stack.frames.softLimit(), I_.stack.frames.size()));
  }

  // The isolate's own objects (see SnapshotWriter): each must be what the program and the VM
  // make, and replaces the one the linker made.
  void readIsolateRoots() {
    const Module& m = *P_.module;
    uint64_t count = in_.varint64();
    if (count != m.strings.size() + 2) {
      fail("snapshot: " + std::to_string(count) + " objects of the isolate, not " +
           std::to_string(m.strings.size() + 2));
    }
    for (size_t k = 0; k < m.strings.size(); k++) {
      P_.stringConstants[k] = static_cast<StringObject*>(
          isolateObject(&I_.stringType, m.strings[k], "string constant " + std::to_string(k)));
    }
    I_.roots_[2] = isolateObject(&I_.stringType, "null", "the text of null");
    const ClassInfo* limitError = P_.errorClasses[int(ErrorClass::LimitError)];
    void* reserved = numberAsPointer(readNumber());
    if (!limitError ? reserved != nullptr : !reserved) {
      fail("snapshot: the reserved LimitError does not match the program's error classes");
    }
    if (limitError) I_.roots_[1] = resolve(reserved, limitError->type);
  }

  // A string the isolate keeps, which must hold `text`.
  void* isolateObject(const RuntimeType* type, std::string_view text, const std::string& what) {
    void* object = resolve(numberAsPointer(readNumber()), type);
    if (!object || static_cast<const StringObject*>(object)->view() != text) {
      fail("snapshot: " + what + " is not the program's");
    }
    return object;
  }

  // The heap limit's accounting (IsolateState::walkForLimit) as the guest left it, adopted
  // when the guest is restored under the same heap limit.
  void readAccounting() {
    uint64_t live = in_.varint64(), allocated = in_.varint64(), budget = in_.varint64();
    uint64_t stackSoftEnd = in_.varint64(), frameSoftLimit = in_.varint64();
    uint64_t limit = info_.heapLimitBytes;
    if (budget > limit || allocated > budget) {
      fail("snapshot: the heap accounting is out of its bounds");
    }
    if (!limit || limit != I_.config.heapLimitBytes) return;
    I_.liveAtLastWalk = live;
    I_.allocatedSinceWalk = allocated;
    I_.walkBudget = budget;
    // The stack's soft limits, within this isolate's stack (its stack limit, and so the size
    // of its VM stack, may differ from the guest's before).
    uint64_t slots = uint64_t(I_.stack.end - I_.stack.base);
    I_.stack.softEnd = std::max(I_.stack.softEnd, I_.stack.base + std::min(stackSoftEnd, slots));
    I_.stack.frames.setSoftLimit(
        std::max<uint64_t>(I_.stack.frames.softLimit(),
                           std::min<uint64_t>(frameSoftLimit, I_.config.stackLimitFrames)));
    adoptedAccounting_ = true;
  }

  // The host's own bytes (Isolate::setHostData), at most 1 MB, which the VM keeps for it.
  void readHostData() {
    uint64_t size = in_.varint64();
    if (size > IsolateState::kMaxHostData || size > in_.remaining()) {
      fail("snapshot: the host's data claims " + std::to_string(size) + " bytes");
    }
    I_.hostData.assign(reinterpret_cast<const char*>(in_.raw(size)), size);
  }

  // Whether `pc` starts an instruction of `fn`. Each function's instructions are found once:
  // a snapshot may hold a million frames of one long function.
  bool isInstructionStart(const FunctionInfo* fn, uint32_t pc) {
    if (instructionStarts_.empty()) instructionStarts_.resize(P_.functions.size());
    std::vector<bool>& starts = instructionStarts_[fn->index];
    if (starts.empty()) {
      starts.resize(fn->codeSize);
      for (uint32_t at = 0; at < fn->codeSize;) {
        starts[at] = true;
        at += instructionLength(fn->code + at, fn->codeSize - at);
      }
    }
    return pc < starts.size() && starts[pc];
  }

  // Whether a backward branch of `fn` (where the interpreter checks limits) goes to `pc`.
  static bool isLoopTarget(const FunctionInfo* fn, uint32_t pc) {
    for (uint32_t at = 0; at < fn->codeSize;) {
      const uint32_t* code = fn->code + at;
      const OpcodeInfo& info = opcodeInfo(*code);
      if (info.flags & F_BACK) {
        for (uint32_t k = 0; k < info.fixedOperandCount; k++) {
          if (info.operands[k] != OperandKind::JMP) continue;
          int32_t offset = int32_t(code[1 + k]);
          if (offset <= 0 && at + offset == pc) return true;
        }
      }
      at += instructionLength(code, fn->codeSize - at);
    }
    return false;
  }

  // That frame k stands where the interpreter could have left it: the outermost as its entry
  // says, the others at the call that made the frame above them, the innermost at a suspension
  // point or an operation that runs again.
  void checkFrame(size_t k) {
    CallFrame& frame = I_.stack.frames[k];
    const FunctionInfo* fn = frame.function;
    uint32_t pc = uint32_t(frame.pc - fn->code);
    auto where = [&] { return "snapshot: frame " + std::to_string(k) + " (`" + fn->name + "`)"; };
    if (k == 0) {
      const Module& m = *P_.module;
      bool ok = false;
      switch (info_.entry) {
      case GuestEntry::Load: ok = fn->index == m.initFunction; break;
      case GuestEntry::Main: ok = fn->index == m.mainFunction; break;
      case GuestEntry::Call: {
        auto it = P_.callable->find(fn->name);
        ok = it != P_.callable->end() && it->second == fn;
        break;
      }
      default: break;
      }
      if (!ok) fail(where() + " is not a function its entry can start");
    }
    if (k + 1 == I_.stack.frames.size()) {
      Opcode op = Opcode(fn->code[pc]);
      bool rerun = opcodeInfo(op).flags & F_ALLOC;
      if (pc != 0 && !rerun && !isLoopTarget(fn, pc)) {
        fail(where() + " stands at " + std::to_string(pc) + ", which is not a suspension point");
      }
    } else {
      checkCall(k, I_.stack.frames[k + 1]);
    }
  }

  // That frame k stands at a call instruction that made `callee`, and sets how callee returns.
  void checkCall(size_t k, CallFrame& callee) {
    const CallFrame& frame = I_.stack.frames[k];
    const FunctionInfo* fn = frame.function;
    const uint32_t* at = frame.pc;
    const Slot* R = frame.registers;
    const FunctionInfo* expected = nullptr;
    callee.kind = FrameKind::Call;
    callee.resultRegister = at[1];
    switch (Opcode(*at)) {
    case Opcode::CALL: expected = &P_.functions[at[2]]; break;
    case Opcode::CALL_VIRTUAL:
      if (auto* receiver = R[at[4]].p) expected = I_.typeOf(receiver)->vtable[at[2]];
      break;
    case Opcode::CALL_INTERFACE:
      if (auto* receiver = R[at[4]].p) {
        const ClassInfo* iface = fn->registerTypes[at[4]]->cls;
        const InterfaceTable* table = I_.typeOf(receiver)->cls->interfaceTable(iface);
        if (table && at[2] < table->methods.size()) expected = table->methods[at[2]];
      }
      break;
    case Opcode::CALL_CLOSURE:
      if (auto* closure = static_cast<ClosureObject*>(R[at[2]].p)) expected = closure->function;
      break;
    case Opcode::TO_STR_REF:
      callee.kind = FrameKind::Text;
      if (auto* object = R[at[2]].p; object && I_.typeOf(object)->kind == TypeKind::Class) {
        expected = I_.typeOf(object)->cls->toStringMethod;
      }
      break;
    default:
      fail("snapshot: frame " + std::to_string(k) + " (`" + fn->name + "`) has a frame above it" +
           " but does not stand at a call");
    }
    if (expected != callee.function) {
      fail("snapshot: frame " + std::to_string(k + 1) + " (`" + callee.function->name +
           "`) is not what the call of frame " + std::to_string(k) + " (`" + fn->name + "`) calls");
    }
  }

  IsolateState& I_;
  LinkedProgram& P_;
  const SnapshotInfo& info_;
  Decoder in_;
  std::unique_ptr<ObjectTable> table_;
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> closureKinds_;
  bool closureKindsMade_ = false;
  std::vector<std::vector<bool>> instructionStarts_; // by function (isInstructionStart)

public:
  bool adoptedAccounting_ = false;
};

GuestEntry entryOf(uint8_t code) {
  switch (nsnap::Entry(code)) {
  case nsnap::Entry::Load: return GuestEntry::Load;
  case nsnap::Entry::Main: return GuestEntry::Main;
  case nsnap::Entry::Call: return GuestEntry::Call;
  default: return GuestEntry::None;
  }
}

Error::Limit reasonOf(uint8_t code) {
  switch (nsnap::Reason(code)) {
  case nsnap::Reason::Fuel: return Error::Limit::Fuel;
  case nsnap::Reason::Time: return Error::Limit::Time;
  case nsnap::Reason::Requested: return Error::Limit::Requested;
  default: return Error::Limit::None;
  }
}

void readInfo(std::span<const uint8_t> body, SnapshotInfo& out) {
  Decoder in(body.data(), body.size(), "snapshot");
  uint8_t state = in.u8(), entry = in.u8(), reason = in.u8();
  if (state > uint8_t(nsnap::State::Idle)) fail("snapshot: unknown state " + std::to_string(state));
  out.state = nsnap::State(state);
  bool suspended = out.state == nsnap::State::Suspended;
  if (entry > uint8_t(nsnap::Entry::Call) || (entry != 0) != suspended) {
    fail("snapshot: entry " + std::to_string(entry) + " does not fit its state");
  }
  if (reason > uint8_t(nsnap::Reason::Requested) || (reason != 0) != suspended) {
    fail("snapshot: reason " + std::to_string(reason) + " does not fit its state");
  }
  out.entry = entryOf(entry);
  out.reason = reasonOf(reason);
  out.instructions = in.varint64();
  out.lastIdentityHash = in.u32();
  out.fuel = in.varint64();
  out.timeoutSeconds = in.f64();
  if (!(out.timeoutSeconds >= 0) || !std::isfinite(out.timeoutSeconds)) {
    fail("snapshot: the timeout is not a number of seconds");
  }
  out.heapLimitBytes = in.varint64();
  if (out.versionMinor >= 2) {
    uint64_t inputBytes = in.varint64();
    if (inputBytes > in.remaining() || inputBytes >= kMaxStringBytes) {
      fail("snapshot: the input read ahead claims " + std::to_string(inputBytes) +
           " bytes, more than the data left");
    }
    out.inputAhead = {reinterpret_cast<const char*>(in.raw(inputBytes)), inputBytes};
    uint8_t ended = in.u8();
    if (ended > 1) fail("snapshot: the end of input is marked " + std::to_string(ended));
    out.inputEnded = ended;
  }
  uint64_t size = in.varint64();
  if (size > in.remaining() || size > nbc::kMaxFileBytes) {
    fail("snapshot: the program claims " + std::to_string(size) +
         " bytes, more than the data left");
  }
  out.bytecode = {in.raw(size), size};
  size_t rest = in.remaining();
  out.guestData = {in.raw(rest), rest};
}

} // namespace

bool openSnapshot(std::span<const uint8_t> file, const std::string& key, SnapshotInfo& out,
                  std::string& error) {
  using namespace nsnap;
  const uint8_t* p = file.data();
  if (file.size() < sizeof kMagic || std::memcmp(p, kMagic, sizeof kMagic) != 0) {
    error = "not a Nuri snapshot file (bad magic number)";
    return false;
  }
  if (file.size() < kHeaderBytes + kChecksumBytes) {
    error = "snapshot is " + std::to_string(file.size()) + " bytes, too short for its header " +
            "and checksum (a truncated file)";
    return false;
  }
  out.versionMajor = uint16_t(p[8] | p[9] << 8);
  out.versionMinor = uint16_t(p[10] | p[11] << 8);
  if (out.versionMajor != kVersionMajor || out.versionMinor < kOldestVersionMinor ||
      out.versionMinor > kVersionMinor) {
    error = "unsupported snapshot version " + version(out.versionMajor, out.versionMinor) +
            " (this VM reads " + version(kVersionMajor, kOldestVersionMinor) + " to " +
            version(kVersionMajor, kVersionMinor) + ")";
    return false;
  }
  uint32_t flags = readU32(p + 12);
  if (flags & ~kKnownFlags) {
    error = "snapshot has unknown flags " + std::to_string(flags);
    return false;
  }
  out.isSigned = flags & kSigned;
  uint64_t bodySize = uint64_t(readU32(p + 16)) | uint64_t(readU32(p + 20)) << 32;
  uint64_t trailer = (out.isSigned ? kSignatureBytes : 0) + kChecksumBytes;
  if (bodySize > file.size() || kHeaderBytes + bodySize + trailer != file.size()) {
    error = "snapshot is " + std::to_string(file.size()) + " bytes, but its header describes " +
            (bodySize > kMaxFileBytes ? std::string("more than the limit")
                                      : std::to_string(kHeaderBytes + bodySize + trailer)) +
            " (a truncated or damaged file)";
    return false;
  }
  size_t checked = file.size() - kChecksumBytes;
  if (crc32c(p, checked) != readU32(p + checked)) {
    error = "snapshot checksum mismatch: the file is damaged";
    return false;
  }
  if (out.isSigned && key.empty()) {
    error = "snapshot is signed: give the key to check its signature";
    return false;
  }
  if (!out.isSigned && !key.empty()) {
    error = "snapshot is not signed, and a key was given: only signed snapshots are accepted";
    return false;
  }
  if (out.isSigned) {
    size_t signedBytes = kHeaderBytes + bodySize;
    auto expected =
        hmacSha256(reinterpret_cast<const uint8_t*>(key.data()), key.size(), p, signedBytes);
    if (!equalDigests(expected.data(), p + signedBytes, expected.size())) {
      error = "snapshot signature does not match the key: the file was changed or signed with "
              "another key";
      return false;
    }
  }
  try {
    readInfo(file.subspan(kHeaderBytes, bodySize), out);
  } catch (const LoadFailure& failure) {
    error = failure.message;
    return false;
  }
  return true;
}

bool restoreGuest(IsolateState& isolate, const SnapshotInfo& info, std::string& error,
                  bool& adoptedAccounting) {
  GuestReader reader(isolate, info);
  bool ok = reader.run(error);
  adoptedAccounting = reader.adoptedAccounting_;
  return ok;
}

} // namespace nuri
