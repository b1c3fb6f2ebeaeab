// Which homes compiled code stores and loads around calls out (jit/home_flow.h), on small
// hand-made instruction lists: bit 0 is home A, bit 1 home B, bit 2 home C.
#include <gtest/gtest.h>

#include <vector>

#include "jit/home_flow.h"

namespace nuri::jit {
namespace {

constexpr HomeMask A = 1, B = 2, C = 4;

FlowInstruction next(uint32_t to, HomeMask uses = 0, HomeMask defs = 0) {
  FlowInstruction ins;
  ins.uses = uses;
  ins.defs = defs;
  ins.successors[ins.successorCount++] = to;
  return ins;
}
FlowInstruction callOut(uint32_t to, HomeMask result, HomeMask clobbers) {
  FlowInstruction ins = next(to, 0, result);
  ins.callsOut = true;
  ins.clobbers = clobbers | result;
  return ins;
}
FlowInstruction end(HomeMask uses = 0) {
  FlowInstruction ins;
  ins.uses = uses;
  return ins;
}

TEST(HomeFlow, ACallOutStoresOnlyDirtyHomesAndLoadsOnlyLiveChangedOnes) {
  // 0: A := ..   1: B := call (changes A, C)   2: use B   3: end
  std::vector<FlowInstruction> code = {next(1, 0, A), callOut(2, B, A | C), next(3, B), end()};
  HomeFlow flow = analyseHomeFlow(code, {0});
  EXPECT_EQ(flow.dirtyIn[1], A);        // A written since the entry: stored before the call
  EXPECT_EQ(flow.liveOut[1], B);        // only the result is read after it
  EXPECT_EQ(flow.invalidOut[1], A | C); // changed by the call and dead: not loaded
  EXPECT_EQ(flow.dirtyOut[1], 0u);
  EXPECT_EQ(flow.flushOnExit[1], 0u);
}

TEST(HomeFlow, AHomeKeptByTheCallStaysValid) {
  // 0: A := ..   1: call (changes C only)   2: use A
  std::vector<FlowInstruction> code = {next(1, 0, A), callOut(2, 0, C), end(A)};
  HomeFlow flow = analyseHomeFlow(code, {0});
  EXPECT_EQ(flow.invalidOut[1], C);
  EXPECT_EQ(flow.liveOut[1], A);
}

TEST(HomeFlow, ADirtyHomeMeetingAnInvalidOneIsStoredOnTheDirtyPath) {
  // 0: branch to 1 or 2   1: B := .. ; to 3   2: call (changes B) ; to 3   3: end (B dead)
  FlowInstruction branch = next(1);
  branch.successors[branch.successorCount++] = 2;
  std::vector<FlowInstruction> code = {branch, next(3, 0, B), callOut(3, 0, B), end()};
  HomeFlow flow = analyseHomeFlow(code, {0});
  EXPECT_EQ(flow.dirtyOut[1], B);
  EXPECT_EQ(flow.flushOnExit[1], B); // else B's slot would miss the value written at 1
  EXPECT_EQ(flow.flushOnExit[0], 0u);
}

TEST(HomeFlow, ALoopKeepsItsDirtyHomesAcrossTheBackEdge) {
  // 0: A := 0   1: header   2: B := .. (temp, dead at the header)   3: A := A + 1; to 1 or 4
  FlowInstruction latch = next(1, A, A);
  latch.successors[latch.successorCount++] = 4;
  std::vector<FlowInstruction> code = {next(1, 0, A), next(2, A), next(3, A, B), latch, end(A)};
  HomeFlow flow = analyseHomeFlow(code, {0, 1}); // the header is also an OSR entry
  EXPECT_EQ(flow.dirtyIn[1], A | B);
  for (HomeMask stored : flow.flushOnExit)
    EXPECT_EQ(stored, 0u); // nothing is stored on the way round
}

TEST(HomeFlow, UnreachedInstructionsStoreNothing) {
  // 0: end   1: A := ..; to 2   2: end  (1 and 2 are never entered)
  std::vector<FlowInstruction> code = {end(), next(2, 0, A), end()};
  HomeFlow flow = analyseHomeFlow(code, {0});
  EXPECT_EQ(flow.dirtyIn[1], 0u);
  EXPECT_EQ(flow.flushOnExit[1], 0u);
}

} // namespace
} // namespace nuri::jit
