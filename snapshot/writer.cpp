// Writes a guest as a snapshot (docs/snapshots.md). Objects are numbered in the order they are
// first reached, from the globals and then the frames, and written in that order, so that the
// reader can allocate them all in one pass before it links their references.
//
// While the snapshot is written, each numbered object carries its number in its header: the
// identity-hash half holds the number and the type index has kNumbered set, the real hashes
// wait in a side table and go back when the writer is done (also if it fails). That costs no
// table of addresses, whose growth dominated the time of writing a large heap.
#include <algorithm>
#include <bit>
#include <cstring>

#include "snapshot/snapshot.h"
#include "support/byte_codec.h"
#include "support/crc32c.h"
#include "support/sha256.h"

namespace nuri {
namespace {

static_assert(std::endian::native == std::endian::little,
              "snapshots copy int and float arrays as they are in memory: little-endian");

// Set in a header's type index while the object holds its number instead of its hash.
constexpr uint32_t kNumbered = 1u << 31;

class SnapshotWriter {
public:
  explicit SnapshotWriter(IsolateState& isolate, size_t expectedObjects) : I_(isolate) {
    queue_.reserve(expectedObjects);
    hashes_.reserve(expectedObjects);
  }
  ~SnapshotWriter() {
    for (size_t n = 0; n < queue_.size(); n++) {
      ObjectHeader* header = headerOf(queue_[n]);
      header->typeIndex &= ~kNumbered;
      header->hash = hashes_[n];
    }
  }
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;
  size_t objectCount() const { return queue_.size(); }

  // The body after its info and bytecode: objects, then globals, frames and the rest. The
  // roots are encoded first, into their own small encoder, so that their objects get the first
  // numbers; the objects then go straight into `out` as they are reached.
  void writeGuest(Encoder& out) {
    Encoder roots;
    writeRoots(roots);
    size_t count = out.varintPlaceholder();
    for (size_t next = 0; next < queue_.size(); next++)
      object(out, queue_[next], next);
    out.patchVarint(count, queue_.size());
    out.append(roots);
  }

private:
  void writeRoots(Encoder& roots) {
    const LinkedProgram& P = I_.program;
    const Module& m = *P.module;
    for (size_t i = 0; i < m.globals.size(); i++)
      value(roots, P.globals[i], P.types[m.globals[i].type].get());
    roots.varint(I_.stack.frames.size());
    for (const CallFrame& frame : I_.stack.frames) {
      const FunctionInfo* fn = frame.function;
      roots.varint(fn->index);
      roots.varint(uint64_t(frame.pc - fn->code));
      for (uint32_t r = 0; r < fn->registerCount; r++)
        value(roots, frame.registers[r], fn->registerTypes[r]);
    }
    // The objects the isolate itself keeps (its string constants, the text "null", the
    // reserved LimitError): the restored isolate adopts these copies, so an object that is also
    // the guest's stays one object (the heap limit counts it once, as here).
    roots.varint(m.strings.size() + 2);
    for (size_t k = 0; k < m.strings.size(); k++)
      reference(roots, P.stringConstants[k]);
    reference(roots, I_.roots_[2]);
    reference(roots, I_.roots_[1]);
    // The heap limit's accounting, so that a guest restored under the same limit walks its heap
    // when the uninterrupted guest would have, and fails (or not) at the same allocation.
    roots.varint(I_.liveAtLastWalk);
    roots.varint(I_.allocatedSinceWalk);
    roots.varint(I_.walkBudget);
    roots.varint(uint64_t(I_.stack.softEnd - I_.stack.base));
    roots.varint(I_.stack.frames.softLimit());
    roots.varint(I_.hostData.size());
    roots.raw(I_.hostData.data(), I_.hostData.size());
  }

  // A reference: 0 for null, else the object's number plus one.
  void reference(Encoder& out, const void* p) {
    if (!p) {
      out.u8(0);
      return;
    }
    ObjectHeader* header = headerOf(p);
    if (!(header->typeIndex & kNumbered)) {
      hashes_.push_back(header->hash);
      header->typeIndex |= kNumbered;
      header->hash = uint32_t(queue_.size());
      queue_.push_back(p);
    }
    out.varint(uint64_t(header->hash) + 1);
  }

  // A slot holding a value of `type`.
  void value(Encoder& out, Slot slot, const RuntimeType* type) {
    switch (type->kind) {
    case TypeKind::Void: break;
    case TypeKind::Int: out.svarint(slot.i); break;
    case TypeKind::Float: out.f64(slot.f); break;
    case TypeKind::Bool: out.u8(slot.i != 0); break;
    default: reference(out, slot.p); break;
    }
  }

  // The header of an object of the guest, which the writer marks while it works (see above).
  static ObjectHeader* headerOf(const void* p) {
    return static_cast<ObjectHeader*>(const_cast<void*>(p));
  }

  void object(Encoder& out, const void* p, size_t number) {
    const RuntimeType* type = I_.typeTable[headerOf(p)->typeIndex & ~kNumbered];
    out.varint(type->index);
    out.u32(hashes_[number]);
    switch (type->kind) {
    case TypeKind::String: {
      auto* s = static_cast<const StringObject*>(p);
      out.varint(s->byteLength);
      out.raw(s->bytes, s->byteLength);
      break;
    }
    case TypeKind::StringBuilder: {
      auto* b = static_cast<const StringBuilderObject*>(p);
      out.varint(b->length);
      out.raw(b->buffer, b->length);
      out.varint(b->capacity); // its buffer's size counts towards the heap limit
      break;
    }
    case TypeKind::Array: {
      auto* a = static_cast<const ArrayObject*>(p);
      out.varint(uint64_t(a->length));
      TypeKind element = type->element->kind;
      if (element == TypeKind::Int || element == TypeKind::Float) {
        out.raw(a->elements, size_t(a->length) * sizeof(Slot)); // as in memory: little-endian
      } else {
        for (int64_t i = 0; i < a->length; i++)
          value(out, a->elements[i], type->element);
      }
      break;
    }
    case TypeKind::Class: {
      auto* o = static_cast<const InstanceObject*>(p);
      const std::vector<FieldInfo>& fields = type->cls->fields;
      for (size_t i = 0; i < fields.size(); i++)
        value(out, o->fields[i], fields[i].type);
      break;
    }
    case TypeKind::Cell: value(out, static_cast<const CellObject*>(p)->value, type->element); break;
    case TypeKind::Function: {
      auto* c = static_cast<const ClosureObject*>(p);
      out.varint(c->function->index);
      out.varint(c->cellCount);
      for (uint64_t i = 0; i < c->cellCount; i++)
        reference(out, c->cells[i]);
      break;
    }
    default: break; // no object has another kind (the heap walker's check)
    }
  }

  IsolateState& I_;
  std::vector<const void*> queue_; // by number
  std::vector<uint32_t> hashes_;   // their identity hashes, by number
};

nsnap::Entry entryCode(GuestEntry entry) {
  switch (entry) {
  case GuestEntry::Load: return nsnap::Entry::Load;
  case GuestEntry::Main: return nsnap::Entry::Main;
  case GuestEntry::Call: return nsnap::Entry::Call;
  default: return nsnap::Entry::None;
  }
}

nsnap::Reason reasonCode(Error::Limit limit) {
  switch (limit) {
  case Error::Limit::Fuel: return nsnap::Reason::Fuel;
  case Error::Limit::Time: return nsnap::Reason::Time;
  case Error::Limit::Requested: return nsnap::Reason::Requested;
  default: return nsnap::Reason::None;
  }
}

} // namespace

bool writeSnapshot(IsolateState& I, std::span<const uint8_t> bytecode, const std::string& key,
                   std::vector<uint8_t>& out, std::string& error) {
  // One buffer, the size of the last snapshot to start with: a large one is not copied as it
  // grows.
  Encoder file;
  file.bytes.reserve(size_t(std::max<uint64_t>(I.lastSnapshotBytes, 4096) + bytecode.size()));
  file.raw(nsnap::kMagic, sizeof nsnap::kMagic);
  file.u16(nsnap::kVersionMajor);
  file.u16(nsnap::kVersionMinor);
  file.u32(key.empty() ? 0 : nsnap::kSigned);
  size_t bodySize = file.bytes.size();
  file.u64(0); // patched below
  bool suspended = I.suspended && !I.stack.frames.empty();
  file.u8(uint8_t(suspended   ? nsnap::State::Suspended
                  : I.entered ? nsnap::State::Idle
                              : nsnap::State::Template));
  file.u8(uint8_t(suspended ? entryCode(I.entry) : nsnap::Entry::None));
  file.u8(uint8_t(suspended ? reasonCode(I.suspendReason) : nsnap::Reason::None));
  file.varint(I.instructions);
  file.u32(I.lastIdentityHash);
  file.varint(I.config.fuel);
  file.f64(I.config.timeoutSeconds);
  file.varint(I.config.heapLimitBytes);
  std::string_view input = I.input.unread();
  file.varint(input.size());
  file.raw(input.data(), input.size());
  file.u8(I.input.ended);
  file.varint(bytecode.size());
  file.raw(bytecode.data(), bytecode.size());
  {
    SnapshotWriter writer(I, I.lastSnapshotObjects);
    writer.writeGuest(file);
    I.lastSnapshotObjects = writer.objectCount();
  }
  file.patchU64(bodySize, file.bytes.size() - nsnap::kHeaderBytes);
  if (file.bytes.size() + nsnap::kSignatureBytes + nsnap::kChecksumBytes > nsnap::kMaxFileBytes) {
    error = "the snapshot would take " + std::to_string(file.bytes.size()) +
            " bytes, more than the limit of " + std::to_string(nsnap::kMaxFileBytes >> 30) + " GB";
    return false;
  }
  if (!key.empty()) {
    auto signature = hmacSha256(reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                                file.bytes.data(), file.bytes.size());
    file.raw(signature.data(), signature.size());
  }
  file.u32(crc32c(file.bytes.data(), file.bytes.size()));
  I.lastSnapshotBytes = file.bytes.size();
  out = std::move(file.bytes);
  return true;
}

} // namespace nuri
