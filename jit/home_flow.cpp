#include "jit/home_flow.h"

namespace nuri::jit {

namespace {

// Backward: a home is live where a later read may see its value.
std::vector<HomeMask> liveOutOf(const std::vector<FlowInstruction>& code) {
  size_t n = code.size();
  std::vector<HomeMask> liveIn(n, 0), liveOut(n, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = n; k-- > 0;) {
      const FlowInstruction& ins = code[k];
      HomeMask out = 0;
      for (uint32_t s = 0; s < ins.successorCount; s++)
        out |= liveIn[ins.successors[s]];
      HomeMask in = ins.uses | (out & ~ins.defs);
      if (out != liveOut[k] || in != liveIn[k]) changed = true;
      liveOut[k] = out;
      liveIn[k] = in;
    }
  }
  return liveOut;
}

} // namespace

HomeFlow analyseHomeFlow(const std::vector<FlowInstruction>& code,
                         const std::vector<uint32_t>& entries) {
  size_t n = code.size();
  HomeFlow flow;
  flow.liveOut = liveOutOf(code);
  // Forward: the state at a merge is the worst of its predecessors' (invalid over dirty over
  // clean). Instructions no path reaches stay clean: their code never runs.
  std::vector<bool> reached(n, false);
  std::vector<HomeMask>& invalidIn = flow.invalidIn;
  invalidIn.assign(n, 0);
  flow.dirtyIn.assign(n, 0);
  flow.dirtyOut.assign(n, 0);
  flow.invalidOut.assign(n, 0);
  std::vector<uint32_t> work;
  for (uint32_t e : entries) {
    if (e < n && !reached[e]) {
      reached[e] = true;
      work.push_back(e);
    }
  }
  while (!work.empty()) {
    uint32_t k = work.back();
    work.pop_back();
    const FlowInstruction& ins = code[k];
    HomeMask dirty, invalid;
    if (ins.callsOut) {
      dirty = 0; // stored before the call
      invalid = (invalidIn[k] & ~ins.clobbers) | (ins.clobbers & ~flow.liveOut[k]);
    } else {
      dirty = flow.dirtyIn[k] | ins.defs;
      invalid = invalidIn[k] & ~ins.defs;
    }
    flow.dirtyOut[k] = dirty;
    flow.invalidOut[k] = invalid;
    for (uint32_t s = 0; s < ins.successorCount; s++) {
      uint32_t to = ins.successors[s];
      HomeMask newInvalid = invalidIn[to] | invalid;
      HomeMask newDirty = (flow.dirtyIn[to] | dirty) & ~newInvalid;
      if (reached[to] && newInvalid == invalidIn[to] && newDirty == flow.dirtyIn[to]) continue;
      reached[to] = true;
      invalidIn[to] = newInvalid;
      flow.dirtyIn[to] = newDirty;
      work.push_back(to);
    }
  }
  flow.flushOnExit.assign(n, 0);
  for (size_t k = 0; k < n; k++) {
    const FlowInstruction& ins = code[k];
    for (uint32_t s = 0; s < ins.successorCount; s++)
      flow.flushOnExit[k] |= flow.dirtyOut[k] & invalidIn[ins.successors[s]];
  }
  return flow;
}

} // namespace nuri::jit
