#include "vm/heap_walk.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gc/heap.h"
#include "vm/visited_set.h"

namespace nuri {
namespace {

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "nuri: internal error: heap check failed: %s\n", what.c_str());
  std::abort();
}

std::string address(const void* p) {
  char text[32];
  std::snprintf(text, sizeof text, "%p", p);
  return text;
}

class Walker {
public:
  Walker(const IsolateState& isolate, HeapWalk mode)
      : I_(isolate), types_(isolate.typeTable), check_(mode == HeapWalk::Check) {
    census_.byType.resize(types_.size());
  }

  HeapCensus run() {
    visitRoots();
    while (!work_.empty()) {
      const void* object = work_.back();
      work_.pop_back();
      scan(object);
    }
    return std::move(census_);
  }

private:
  // A reference (not null) held in `where`, whose declared type is `declared` (null: any object).
  // `where()` describes the holder for messages.
  template <typename Where>
  void reference(const void* p, const RuntimeType* declared, const Where& where) {
    if (!p) return;
    if (check_) checkReference(p, declared, where); // every reference, not only the first
    if (seen_.insert(p)) work_.push_back(p);
  }

  template <typename Where>
  void checkReference(const void* p, const RuntimeType* declared, const Where& where) {
    if (!gc::isBlockStart(p)) violation(where() + " holds " + address(p) + ", not an object");
    uint32_t index = typeIndexOf(p);
    if (index == kNoType || index >= types_.size()) {
      violation(where() + " holds the object at " + address(p) + " whose header has type index " +
                std::to_string(index) + ", outside the type table (" +
                std::to_string(types_.size()) + " entries)");
    }
    const RuntimeType* actual = types_[index];
    bool objectKind = isReferenceKind(actual->kind) &&
                      (actual->kind != TypeKind::Class ||
                       (actual->cls && !actual->cls->isInterface && !actual->cls->isAbstract));
    if (!objectKind) {
      violation(where() + " holds the object at " + address(p) + " of type " + actual->name +
                ", which no object can have");
    }
    if (declared && (declared->kind != actual->kind || !isInstance(actual, declared))) {
      violation(where() + ", declared " + declared->name + ", holds the object at " + address(p) +
                " of type " + actual->name);
    }
  }

  void visitRoots() {
    const LinkedProgram& P = I_.program;
    if (P.module) {
      const Module& m = *P.module;
      for (size_t i = 0; P.globals && i < m.globals.size(); i++) {
        const RuntimeType* type = P.types[m.globals[i].type].get();
        if (!isReferenceKind(type->kind)) continue;
        reference(P.globals[i].p, type, [&] { return "global `" + m.globals[i].name + "`"; });
      }
      for (size_t i = 0; P.stringConstants && i < m.strings.size(); i++) {
        reference(P.stringConstants[i], &I_.stringType,
                  [&] { return "string constant " + std::to_string(i); });
      }
    }
    for (size_t k = 0; I_.roots_ && k < IsolateState::kRootCount; k++) {
      reference(I_.roots_[k], nullptr, [&] { return "the isolate's root " + std::to_string(k); });
    }
    for (const CallFrame& frame : I_.stack.frames) {
      const FunctionInfo* fn = frame.function;
      if (check_ &&
          (frame.registers < I_.stack.base || frame.registers + fn->registerCount > I_.stack.top)) {
        violation("the registers of a frame of " + fn->name + " are outside the VM stack in use");
      }
      for (uint32_t r = 0; r < fn->registerCount; r++) {
        const RuntimeType* type = fn->registerTypes[r];
        if (!isReferenceKind(type->kind)) continue;
        reference(frame.registers[r].p, type,
                  [&] { return "register r" + std::to_string(r) + " of " + fn->name; });
      }
    }
    for (void* const* variable : I_.temporaryRoots) {
      reference(*variable, nullptr, [] { return std::string("a temporary root"); });
    }
    I_.handles->forEach([&](void* object) {
      reference(object, nullptr, [] { return std::string("a host handle"); });
    });
  }

  // Counts `object` and queues what it references.
  void scan(const void* object) {
    const RuntimeType* type = types_[typeIndexOf(object)];
    // For messages: " of the Node at 0x..."
    auto of = [&] { return " of the " + type->name + " at " + address(object); };
    uint64_t requested = 0;
    uint64_t extra = 0; // a StringBuilder's buffer
    switch (type->kind) {
    case TypeKind::String: {
      auto* s = static_cast<const StringObject*>(object);
      requested = sizeof(StringObject) + uint64_t(s->byteLength) + 1;
      if (check_) {
        checkSize(object, type, requested, s->byteLength < kMaxStringBytes);
        if (s->codePointLength > s->byteLength || s->bytes[s->byteLength] != '\0') {
          violation("the string at " + address(object) + " has " +
                    std::to_string(s->codePointLength) + " code points in " +
                    std::to_string(s->byteLength) + " bytes, or no NUL after them");
        }
      }
      break;
    }
    case TypeKind::Array: {
      auto* a = static_cast<const ArrayObject*>(object);
      bool lengthOk = a->length >= 0 && a->length <= kMaxArrayLength;
      requested = sizeof(ArrayObject) + (lengthOk ? uint64_t(a->length) * sizeof(Slot) : 0);
      if (check_) {
        checkSize(object, type, requested, lengthOk);
        if (!type->element || type->holdsReferences != isReferenceKind(type->element->kind)) {
          violation("the array type " + type->name + " does not describe its elements");
        }
      }
      if (type->holdsReferences && lengthOk) {
        for (int64_t i = 0; i < a->length; i++) {
          if (a->elements[i].p) {
            reference(a->elements[i].p, type->element,
                      [&] { return "element " + std::to_string(i) + of(); });
          }
        }
      }
      break;
    }
    case TypeKind::Class: {
      auto* o = static_cast<const InstanceObject*>(object);
      const ClassInfo* cls = type->cls;
      requested = sizeof(InstanceObject) + cls->fields.size() * sizeof(Slot);
      if (check_) checkSize(object, type, requested, true);
      for (size_t i = 0; i < cls->fields.size(); i++) {
        const RuntimeType* field = cls->fields[i].type;
        if (isReferenceKind(field->kind) && o->fields[i].p) {
          reference(o->fields[i].p, field,
                    [&] { return "field `" + cls->fields[i].name + "`" + of(); });
        }
      }
      break;
    }
    case TypeKind::Function: {
      auto* c = static_cast<const ClosureObject*>(object);
      std::span<const FunctionInfo> functions = I_.program.functions;
      bool known = c->function >= functions.data() &&
                   c->function < functions.data() + functions.size() &&
                   c->cellCount <= c->function->paramCount;
      requested = sizeof(ClosureObject) + (known ? c->cellCount * sizeof(CellObject*) : 0);
      if (check_) checkSize(object, type, requested, known);
      for (uint64_t i = 0; known && i < c->cellCount; i++) {
        if (c->cells[i]) {
          reference(c->cells[i], c->function->registerTypes[i],
                    [&] { return "cell " + std::to_string(i) + of(); });
        }
      }
      break;
    }
    case TypeKind::Cell: {
      auto* c = static_cast<const CellObject*>(object);
      requested = sizeof(CellObject);
      if (check_) {
        checkSize(object, type, requested, true);
        if (!type->element) violation("the cell type " + type->name + " has no variable type");
      }
      if (type->holdsReferences && c->value.p) {
        reference(c->value.p, type->element, [&] { return "the value" + of(); });
      }
      break;
    }
    case TypeKind::StringBuilder: {
      auto* b = static_cast<const StringBuilderObject*>(object);
      requested = sizeof(StringBuilderObject);
      if (check_) {
        checkSize(object, type, requested, true);
        checkBuilder(b);
      }
      if (b->buffer) extra = gc::blockSize(b->buffer, b->capacity);
      break;
    }
    default: violation("the object at " + address(object) + " has type " + type->name);
    }
    uint64_t bytes = gc::blockSize(object, requested) + extra;
    census_.objects++;
    census_.bytes += bytes;
    TypeUsage& usage = census_.byType[typeIndexOf(object)];
    usage.objects++;
    usage.bytes += bytes;
  }

  // That the block at `object` holds the `requested` bytes its header describes.
  void checkSize(const void* object, const RuntimeType* type, uint64_t requested, bool plausible) {
    uint64_t size = gc::blockSize(object, requested);
    if (!plausible || size < requested) {
      violation("the " + type->name + " at " + address(object) + " describes " +
                (plausible ? std::to_string(requested) + " bytes" : "an impossible size") +
                " in a block of " + std::to_string(size) + " bytes");
    }
  }

  void checkBuilder(const StringBuilderObject* b) {
    bool ok = b->buffer ? gc::isBlockStart(b->buffer) && b->length < b->capacity &&
                              gc::blockSize(b->buffer, b->capacity) >= b->capacity &&
                              b->buffer[b->length] == '\0' && b->codePoints <= b->length
                        : b->length == 0 && b->capacity == 0 && b->codePoints == 0;
    if (!ok) {
      violation("the StringBuilder at " + address(b) + " has length " + std::to_string(b->length) +
                " and capacity " + std::to_string(b->capacity) + " in its buffer at " +
                address(b->buffer));
    }
  }

  const IsolateState& I_;
  const std::vector<const RuntimeType*>& types_;
  bool check_;
  VisitedSet seen_;
  std::vector<const void*> work_;
  HeapCensus census_;
};

} // namespace

HeapCensus walkHeap(const IsolateState& isolate, HeapWalk mode) {
  return Walker(isolate, mode).run();
}

std::vector<std::pair<const RuntimeType*, TypeUsage>> typesBySize(const IsolateState& isolate,
                                                                  const HeapCensus& census) {
  std::vector<std::pair<const RuntimeType*, TypeUsage>> out;
  for (size_t i = 0; i < census.byType.size() && i < isolate.typeTable.size(); i++) {
    if (census.byType[i].objects) out.emplace_back(isolate.typeTable[i], census.byType[i]);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.second.bytes != b.second.bytes) return a.second.bytes > b.second.bytes;
    return a.first->name < b.first->name;
  });
  return out;
}

} // namespace nuri
