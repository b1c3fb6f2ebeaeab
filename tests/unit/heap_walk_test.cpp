// vm/heap_walk.h: the walk of a guest's object graph (exact counts by type, the roots it
// follows) and the heap consistency check of GC-stress mode.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "classlib/natives.h"
#include "gc/heap.h"
#include "interpreter/interpreter.h"
#include "nuri/nuri.h"
#include "vm/heap_walk.h"
#include "vm/isolate.h"
#include "vm/linker.h"

namespace nuri {
namespace {

// An isolate with `source` linked and its top-level statements run.
std::unique_ptr<IsolateState> loaded(const std::string& source, IsolateConfig config = {}) {
  Result<Program> program = compileSource(source, "walk.nuri");
  EXPECT_TRUE(program) << (program ? "" : program.error().render());
  auto I = std::make_unique<IsolateState>(config);
  if (!program) return I;
  std::string error;
  EXPECT_TRUE(linkProgram(*I, program->shared(), nativeFunction, HostLinker{}, error)) << error;
  const FunctionInfo* init = &I->program.functions[program->module().initFunction];
  EXPECT_TRUE(callFunction(*I, init, nullptr, 0, nullptr))
      << (I->pending ? I->pending->message : "");
  return I;
}

// The census of `I` by type name.
std::map<std::string, TypeUsage> byName(const IsolateState& I, const HeapCensus& census) {
  std::map<std::string, TypeUsage> out;
  for (const auto& [type, usage] : typesBySize(I, census))
    out[type->name] = usage;
  return out;
}

Slot globalSlot(const IsolateState& I, const std::string& name) {
  const Module& m = *I.program.module;
  for (size_t i = 0; i < m.globals.size(); i++) {
    if (m.globals[i].name == name) return I.program.globals[i];
  }
  ADD_FAILURE() << "no global " << name;
  return Slot{};
}
void* global(const IsolateState& I, const std::string& name) { return globalSlot(I, name).p; }

TEST(HeapWalk, CountsEveryObjectOfAKnownProgramExactly) {
  auto I = loaded("class Point {\n"
                  "  var x: int\n"
                  "  var y: int\n"
                  "  init(x: int, y: int) { this.x = x; this.y = y }\n"
                  "}\n"
                  "class Shape {\n"
                  "  var corners: Point[]\n"
                  "  var name: string\n"
                  "  init(n: int) {\n"
                  "    corners = new Point[n]\n"
                  "    for (i in 0..n) { corners[i] = Point(i, i * i) }\n"
                  "    name = \"shape\" + n\n"
                  "  }\n"
                  "}\n"
                  "fun counter(): () -> int {\n"
                  "  var n = 0\n"
                  "  return fun(): int { n += 1; return n }\n"
                  "}\n"
                  "let shapes = [Shape(3), Shape(4)]\n"
                  "let shared = shapes[0].corners[1]\n" // the same Point again: counted once
                  "let tick = counter()\n"
                  "let numbers = new float[100]\n"
                  "var dropped = Shape(50)\n"
                  "dropped = null\n"
                  "let sb = StringBuilder()\n"
                  "sb.append(\"hello\").append(\" world\")\n");
  HeapCensus census = walkHeap(*I, HeapWalk::Check);
  std::map<std::string, TypeUsage> types = byName(*I, census);
  EXPECT_EQ(types["Shape"].objects, 2u);
  EXPECT_EQ(types["Shape[]"].objects, 1u);
  EXPECT_EQ(types["Point"].objects, 7u);
  EXPECT_EQ(types["Point[]"].objects, 2u);
  EXPECT_EQ(types["float[]"].objects, 1u);
  EXPECT_EQ(types["StringBuilder"].objects, 1u);
  EXPECT_EQ(types["() -> int"].objects, 1u); // the closure
  EXPECT_EQ(types["cell<int>"].objects, 1u); // the variable it captured
  // Strings: every constant of the module, "shape3" and "shape4", the text "null" and the
  // message of the LimitError made in advance.
  EXPECT_EQ(types["string"].objects, I->program.module->strings.size() + 4);
  EXPECT_EQ(types["LimitError"].objects, 1u);

  // Each block as the collector sizes it: a Point (8 + 2 * 8 bytes and the collector's extra
  // byte) takes 32 bytes; a StringBuilder counts its buffer.
  EXPECT_EQ(types["Point"].bytes, 7u * gc::blockSize(global(*I, "shared"), 0));
  EXPECT_EQ(types["Point"].bytes, 7u * 32);
  const auto* sb = static_cast<const StringBuilderObject*>(global(*I, "sb"));
  EXPECT_EQ(types["StringBuilder"].bytes,
            gc::blockSize(sb, 0) + gc::blockSize(sb->buffer, sb->capacity));
  EXPECT_GE(types["float[]"].bytes, sizeof(ArrayObject) + 100 * sizeof(Slot));

  uint64_t objects = 0, bytes = 0;
  for (const auto& [name, usage] : types) {
    objects += usage.objects;
    bytes += usage.bytes;
  }
  EXPECT_EQ(census.objects, objects);
  EXPECT_EQ(census.bytes, bytes);
  // Largest first.
  auto ordered = typesBySize(*I, census);
  for (size_t i = 1; i < ordered.size(); i++)
    EXPECT_GE(ordered[i - 1].second.bytes, ordered[i].second.bytes);
}

TEST(HeapWalk, FollowsAChainOfAMillionObjectsWithoutRecursion) {
  auto I = loaded("class Link {\n"
                  "  var next: Link\n"
                  "  init(next: Link) { this.next = next }\n"
                  "}\n"
                  "var head: Link = null\n"
                  "for (i in 0..1000000) { head = Link(head) }\n");
  HeapCensus census = walkHeap(*I);
  EXPECT_EQ(byName(*I, census)["Link"].objects, 1000000u);
}

TEST(HeapWalk, RegistersOfRunningFramesAreRoots) {
  // The walk runs inside the guest (a heap limit small enough to walk often); what the frames
  // of running calls hold counts, and a structure only a local variable holds is live.
  IsolateConfig config;
  config.heapLimitBytes = 2 << 20;
  auto I = loaded("fun build(n: int): int {\n"
                  "  let local = new int[n][]\n"
                  "  for (i in 0..n) { local[i] = new int[1000] }\n" // 8 KB each: 4 MB in all
                  "  return local.length\n"
                  "}\n"
                  "var result = 0\n"
                  "try { result = build(500) } catch (e: LimitError) { result = -1 }\n",
                  config);
  EXPECT_EQ(globalSlot(*I, "result").i, -1);
  EXPECT_GT(I->heapWalks, 0u);
}

TEST(HeapWalk, HostHandlesAndTemporaryRootsAreRoots) {
  auto I = loaded("let nothing = 0\n");
  uint64_t before = walkHeap(*I).objects;
  StringObject* text = I->newString("held by the host");
  ASSERT_NE(text, nullptr);
  uint32_t handle = I->handles->add(text);
  EXPECT_EQ(walkHeap(*I).objects, before + 1);
  {
    ArrayObject* array = I->newArray(&I->stringArrayType, 3);
    TemporaryRoot root(*I, &array);
    array->elements[0].p = text; // already counted
    EXPECT_EQ(walkHeap(*I, HeapWalk::Check).objects, before + 2);
  }
  EXPECT_EQ(walkHeap(*I).objects, before + 1);
  I->handles->release(handle);
  EXPECT_EQ(walkHeap(*I).objects, before);
}

TEST(HeapWalk, ACellKnowsWhetherItsValueIsAReference) {
  auto I = loaded("fun keep(): () -> string {\n"
                  "  var text = \"a\"\n"
                  "  text = text + \"b\"\n"
                  "  return { -> text }\n"
                  "}\n"
                  "let f = keep()\n");
  std::map<std::string, TypeUsage> types = byName(*I, walkHeap(*I, HeapWalk::Check));
  EXPECT_EQ(types["cell<string>"].objects, 1u);
  // "ab", reached only through the cell, counts.
  EXPECT_EQ(types["string"].objects, I->program.module->strings.size() + 3);
}

// A corrupted header is a VM bug: the check names it and stops the process.
void walkACorruptedHeap(uint32_t typeIndex) {
  auto I = loaded("class Node {\n"
                  "  var next: Node\n"
                  "  init(next: Node) { this.next = next }\n"
                  "}\n"
                  "let list = Node(Node(Node(null)))\n");
  auto* first = static_cast<InstanceObject*>(global(*I, "list"));
  auto* second = static_cast<InstanceObject*>(first->fields[0].p);
  second->header.typeIndex = typeIndex;
  walkHeap(*I, HeapWalk::Check);
  std::exit(0); // not reached
}

TEST(HeapWalkDeathTest, TheConsistencyCheckFindsACorruptedHeader) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(walkACorruptedHeap(123456),
               "heap check failed: field `next` of the Node at 0x[0-9a-f]+ holds the object at "
               "0x[0-9a-f]+ whose header has type index 123456, outside the type table");
  // An index in range, of another type: a string where a Node was declared.
  EXPECT_DEATH(walkACorruptedHeap(kStringType),
               "heap check failed: field `next` of the Node at 0x[0-9a-f]+, declared Node, holds "
               "the object at 0x[0-9a-f]+ of type string");
}

void walkAnArrayWithABadLength() {
  auto I = loaded("let numbers = [1, 2, 3]\n");
  auto* a = static_cast<ArrayObject*>(global(*I, "numbers"));
  a->length = 1000;
  walkHeap(*I, HeapWalk::Check);
  std::exit(0);
}

TEST(HeapWalkDeathTest, TheConsistencyCheckFindsASizeLargerThanItsBlock) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(walkAnArrayWithABadLength(),
               "heap check failed: the int\\[\\] at 0x[0-9a-f]+ describes 8016 bytes in a block "
               "of [0-9]+ bytes");
}

} // namespace
} // namespace nuri
