// Where each register with a machine home stands against its VM stack slot, at every
// instruction of a compiled function (docs/jit.md, "Homes and slots").
//
// A home is clean (it holds the register's value, and so does the slot), dirty (it holds a value
// newer than the slot's) or invalid (it holds nothing of use; the slot is right and the register
// is dead). Compiled code stores only dirty homes before a call out (so that every slot holds
// what the interpreter's would) and loads after one only the homes that are live and that the
// call may have changed, instead of storing and loading every home.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nuri::jit {

// A set of homes: bit i stands for the function's i-th register with a home (at most 32).
using HomeMask = uint32_t;

// What one instruction does to homes, as its machine code does it.
struct FlowInstruction {
  HomeMask uses = 0;     // read from their homes
  HomeMask defs = 0;     // written on every way through the instruction (a call's result: no)
  HomeMask clobbers = 0; // a call out: homes that hold something else after it
  bool callsOut = false; // stores dirty homes and calls C++ or other compiled code
  uint32_t successors[2] = {0, 0}; // instruction indices control may go to next
  uint32_t successorCount = 0;
};

struct HomeFlow {
  std::vector<HomeMask> liveOut;    // homes read later before being written
  std::vector<HomeMask> dirtyIn;    // dirty when the instruction starts
  std::vector<HomeMask> invalidIn;  // invalid when it starts
  std::vector<HomeMask> dirtyOut;   // dirty when it ends (none after a call out)
  std::vector<HomeMask> invalidOut; // invalid when it ends
  // Dirty homes that a successor takes as invalid: stored before control leaves the
  // instruction, so that no path reaches a merge with a value its slot lacks.
  std::vector<HomeMask> flushOnExit;
};

// `entries`: instructions where compiled code may start, every home loaded (clean).
HomeFlow analyseHomeFlow(const std::vector<FlowInstruction>& code,
                         const std::vector<uint32_t>& entries);

} // namespace nuri::jit
