#include "jit/emitter.h"

#include <array>
#include <cmath>
#include <functional>
#include <set>

#include "classlib/registry/native_registry.h"
#include "jit/context.h"
#include "jit/home_flow.h"
#include "jit/runtime_calls.h"
#include "vm/bytecode/opcodes.h"
#include "vm/tier.h"

namespace nuri::jit {

using namespace asmjit;
using namespace asmjit::x86;

Strategy strategyFor(Opcode op) {
  switch (op) {
  case Opcode::NOP:
  case Opcode::MOVE:
  case Opcode::LOAD_INT:
  case Opcode::LOAD_KINT:
  case Opcode::LOAD_KFLOAT:
  case Opcode::LOAD_KSTR:
  case Opcode::LOAD_BOOL:
  case Opcode::LOAD_NULL:
  case Opcode::GET_GLOBAL:
  case Opcode::SET_GLOBAL:
  case Opcode::ADD_INT:
  case Opcode::SUB_INT:
  case Opcode::MUL_INT:
  case Opcode::DIV_INT:
  case Opcode::MOD_INT:
  case Opcode::AND_INT:
  case Opcode::OR_INT:
  case Opcode::XOR_INT:
  case Opcode::SHL_INT:
  case Opcode::SHR_INT:
  case Opcode::USHR_INT:
  case Opcode::ADD_INT_IMM:
  case Opcode::MUL_INT_IMM:
  case Opcode::DIV_INT_IMM:
  case Opcode::MOD_INT_IMM:
  case Opcode::NEG_INT:
  case Opcode::NOT_INT:
  case Opcode::ADD_FLOAT:
  case Opcode::SUB_FLOAT:
  case Opcode::MUL_FLOAT:
  case Opcode::DIV_FLOAT:
  case Opcode::NEG_FLOAT:
  case Opcode::INT_TO_FLOAT:
  case Opcode::EQ_INT:
  case Opcode::NE_INT:
  case Opcode::LT_INT:
  case Opcode::LE_INT:
  case Opcode::EQ_FLOAT:
  case Opcode::NE_FLOAT:
  case Opcode::LT_FLOAT:
  case Opcode::LE_FLOAT:
  case Opcode::EQ_BOOL:
  case Opcode::NE_BOOL:
  case Opcode::NOT_BOOL:
  case Opcode::EQ_REF:
  case Opcode::NE_REF:
  case Opcode::EQ_STR: // a C call (callsC)
  case Opcode::NE_STR:
  case Opcode::JMP:
  case Opcode::JMP_IF:
  case Opcode::JMP_IF_NOT:
  case Opcode::JLT_INT:
  case Opcode::JLE_INT:
  case Opcode::JGE_INT:
  case Opcode::JGT_INT:
  case Opcode::JEQ_INT:
  case Opcode::JNE_INT:
  case Opcode::LOOP_INT:
  case Opcode::GET_FIELD:
  case Opcode::SET_FIELD:
  case Opcode::ARRAY_GET:
  case Opcode::ARRAY_SET:
  case Opcode::ARRAY_LEN:
  case Opcode::CELL_GET:
  case Opcode::CELL_SET:
  case Opcode::RETURN:
  case Opcode::RETURN_VOID: return Strategy::Native;
  // Long or rare: allocation, text, strings compared by content, type tests, calls (a step
  // enters the callee's frame; compiled code then runs it), natives, throw.
  case Opcode::MOD_FLOAT:
  case Opcode::LT_STR:
  case Opcode::LE_STR:
  case Opcode::CONCAT:
  case Opcode::TO_STR_INT:
  case Opcode::TO_STR_FLOAT:
  case Opcode::TO_STR_BOOL:
  case Opcode::TO_STR_REF:
  case Opcode::NEW_OBJECT:
  case Opcode::NEW_ARRAY:
  case Opcode::NEW_ARRAY_MULTI:
  case Opcode::ARRAY_COPY:
  case Opcode::NEW_CELL:
  case Opcode::NEW_CLOSURE:
  case Opcode::INSTANCE_OF:
  case Opcode::CAST:
  case Opcode::CALL:
  case Opcode::CALL_VIRTUAL:
  case Opcode::CALL_INTERFACE:
  case Opcode::CALL_CLOSURE:
  case Opcode::CALL_NATIVE:
  case Opcode::THROW: return Strategy::Step;
  }
  return Strategy::Step; // not reached: every opcode has its case above
}

namespace {

// Instructions in machine code that call a C++ function that reads no frame: calls out all
// the same (jit/home_flow.h), and never compiled into a caller.
bool callsC(Opcode op) { return op == Opcode::EQ_STR || op == Opcode::NE_STR; }

// The registers compiled code keeps for itself (docs/jit.md, "Calling convention"). rax, rcx
// and rdx are scratch; the others hold Nuri registers (their "homes", chosen per function).
const Gp kContext = r12;    // Context*
const Gp kRegisters = r13;  // the frame's registers (its window of VM stack slots)
const Gp kCheckpoint = r14; // the instruction count at which limits are checked
const Gp kCount = r15;      // the instruction count (charged ahead per run of instructions)
// Homes for int, bool and reference registers: rbx and rbp survive C++ calls (and compiled
// callees, which save them), the others do not.
const Gp kGpHomes[] = {rbx, rbp, rsi, rdi, r8, r9, r10, r11};
// Homes for float registers (xmm0 and xmm1 are scratch).
const Xmm kXmmHomes[] = {xmm2, xmm3,  xmm4,  xmm5,  xmm6,  xmm7,  xmm8,
                         xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15};

// The machine stack of a compiled function, below its return address: the caller's
// kRegisters, rbx and rbp, then 16 bytes whose first word holds the frame's record
// (CallFrame*); rsp stays 16-byte aligned for calls.
const Mem kFrameRecord = qword_ptr(rsp);
void emitPrologue(Assembler& a) {
  a.push(kRegisters);
  a.push(rbx);
  a.push(rbp);
  a.sub(rsp, 16);
  a.mov(kRegisters, rdi);
  a.mov(kFrameRecord, rsi);
}
void emitEpilogue(Assembler& a) {
  a.add(rsp, 16);
  a.pop(rbp);
  a.pop(rbx);
  a.pop(kRegisters);
  a.ret();
}

// Where a Nuri register lives while compiled code runs: a machine register (its home), or
// only its VM stack slot. A home's value is the register's; the slot is brought up to date
// before every call out of compiled code (flush) and read back after it (reload), so that the
// interpreter, the collector, snapshots and stack traces see the frame as the interpreter
// leaves it.
struct Home {
  Gp gp;   // valid for an int, bool or reference register with a home
  Xmm xmm; // valid for a float register with a home
};

class FunctionEmitter {
public:
  FunctionEmitter(const FunctionInfo& fn, const LinkedCode& program,
                  const std::atomic<const void*>* entries, CallSiteCaches& caches, Assembler& a)
      : fn_(fn), program_(program), entries_(entries), caches_(caches), a_(a) {}

  bool emit(EmittedFunction& out) {
    if (!analyse()) return false;
    findCountedLoops();
    chooseHomes();
    analyseFlow();
    out.start = start_ = a_.newLabel();
    bail_ = a_.newLabel();
    for (uint32_t at : starts_)
      if (targets_.count(at)) labels_[at] = a_.newLabel();

    a_.bind(out.start);
    emitPrologue(a_);
    enterAtStart();
    emitBody();
    // Cold code: error paths, limit checks, slow calls, loop entries.
    for (size_t i = 0; i < cold_.size(); i++) { // a stub may add more
      std::function<void()> stub = std::move(cold_[i]);
      stub();
    }
    // Stopping: whatever stopped stored the exact count (a C++ call, or a callee that stopped).
    a_.bind(bail_);
    a_.mov(rcx, qword_ptr(kContext, offsets::kInstructions));
    a_.mov(kCount, qword_ptr(rcx));
    a_.mov(edx, uint32_t(kTierStopped));
    emitEpilogue(a_);
    for (uint32_t header : loopHeaders_) {
      Label entry = a_.newLabel();
      a_.bind(entry);
      emitPrologue(a_);
      reloadHomes(allHomes());
      checkCountedLoops(indexOf(header));
      a_.jmp(labels_.at(header));
      out.loops.emplace_back(header, entry);
    }
    out.instructionCount = uint32_t(starts_.size());
    return true;
  }

private:
  void emitBody() {
    for (size_t k = 0; k < starts_.size(); k++) {
      uint32_t at = starts_[k];
      auto label = labels_.find(at);
      if (label != labels_.end()) a_.bind(label->second);
      if (!reachable_[k]) continue;
      if (charge_[k]) a_.add(kCount, int32_t(charge_[k]));
      if (Logger* logger = a_.code()->logger()) {
        logger->logf("; %s%u: %s\n", returnTo_.isValid() ? "inlined " : "", at,
                     opcodeInfo(fn_.code[at]).name);
      }
      current_ = k;
      emitInstruction(at, ahead_[k]);
      if (!flow_.flushOnExit.empty() && !(opcodeInfo(fn_.code[at]).flags & F_BRANCH))
        flushHomes(flow_.flushOnExit[k]);
    }
  }

  const FunctionInfo& fn_;
  const LinkedCode& program_;
  const std::atomic<const void*>* entries_;
  CallSiteCaches& caches_;
  Assembler& a_;
  std::vector<uint32_t> starts_;   // each instruction's pc
  std::vector<uint32_t> charge_;   // instructions charged at each instruction (run start)
  std::vector<uint32_t> ahead_;    // instructions charged ahead when each one starts
  std::vector<uint32_t> depth_;    // loops each instruction is in
  std::vector<bool> reachable_;    // by instruction (findReachable)
  std::set<uint32_t> targets_;     // branch targets, handler targets, loop headers
  std::set<uint32_t> loopHeaders_; // targets of backward branches
  std::unordered_map<uint32_t, Label> labels_;
  std::vector<Home> homes_;      // by Nuri register
  std::vector<uint32_t> homed_;  // the registers with homes: bit i of a HomeMask is homed_[i]
  std::vector<int32_t> homeBit_; // by Nuri register: its bit in a HomeMask, or -1
  // The CALLs compiled into this function (inlineBody), with the homes of the callee's registers.
  struct InlineSite {
    uint32_t at;
    std::vector<Home> homes;
  };
  std::vector<InlineSite> inlineSites_;
  HomeMask volatileHomes_ = 0; // homes in machine registers that calls out may change
  HomeFlow flow_;              // empty for a function compiled into its caller's code
  size_t current_ = 0;         // the instruction being emitted (an index into starts_)
  std::vector<std::function<void()>> cold_;
  Label start_; // the function's entry at its first instruction
  Label bail_;
  // For a function compiled into its caller's code (inlineBody): where its registers' slots
  // start in the caller's frame, where its return jumps, and the caller's register that its
  // result goes to.
  int32_t slotBase_ = 0;
  Label returnTo_;
  FunctionEmitter* caller_ = nullptr;
  uint32_t callerResult_ = 0;

  // Finds the instructions, the branch targets, the loops, and the runs of instructions whose
  // count is charged at once: a run ends at a branch, a call or a return and before a branch
  // target, so that at every suspension point the count is exact.
  bool analyse() {
    std::vector<std::pair<uint32_t, uint32_t>> loops; // (header, backward branch)
    for (uint32_t at = 0; at < fn_.codeSize;) {
      uint32_t length = instructionLength(fn_.code + at, fn_.codeSize - at);
      if (!length) return false;
      starts_.push_back(at);
      const OpcodeInfo& info = opcodeInfo(fn_.code[at]);
      for (uint32_t k = 0; k < info.fixedOperandCount; k++) {
        if (info.operands[k] != OperandKind::JMP) continue;
        int32_t offset = int32_t(fn_.code[at + 1 + k]);
        uint32_t target = uint32_t(int64_t(at) + offset);
        targets_.insert(target);
        if (offset <= 0) {
          loopHeaders_.insert(target);
          loops.emplace_back(target, at);
        }
      }
      at += length;
    }
    for (uint32_t h = 0; h < fn_.handlerCount; h++)
      targets_.insert(fn_.handlers[h].target);
    size_t n = starts_.size();
    findReachable(loops);
    charge_.assign(n, 0);
    ahead_.assign(n, 0);
    depth_.assign(n, 0);
    size_t runStart = 0;
    for (size_t k = 0; k < n; k++) {
      for (auto [header, back] : loops)
        depth_[k] += starts_[k] >= header && starts_[k] <= back;
      uint32_t flags = opcodeInfo(fn_.code[starts_[k]]).flags;
      bool last =
          k + 1 == n || (flags & (F_BRANCH | F_TERM | F_CALL)) || targets_.count(starts_[k + 1]);
      if (!last) continue;
      uint32_t length = uint32_t(k + 1 - runStart);
      charge_[runStart] = length;
      for (size_t j = runStart; j <= k; j++)
        ahead_[j] = uint32_t(k + 1 - j);
      runStart = k + 1;
    }
    return true;
  }

  // The instructions that a path from the function's start, a handler or a loop header leads
  // to: the others (what code generation leaves after a final return) get no machine code.
  void findReachable(const std::vector<std::pair<uint32_t, uint32_t>>& loops) {
    reachable_.assign(starts_.size(), false);
    std::vector<uint32_t> work{0};
    for (uint32_t h = 0; h < fn_.handlerCount; h++)
      work.push_back(fn_.handlers[h].target);
    for (auto [header, back] : loops)
      work.push_back(header);
    while (!work.empty()) {
      size_t k = indexOf(work.back());
      work.pop_back();
      if (k >= starts_.size() || reachable_[k]) continue;
      reachable_[k] = true;
      const uint32_t* pc = pcOf(starts_[k]);
      const OpcodeInfo& info = opcodeInfo(pc[0]);
      if (!(info.flags & F_TERM) && k + 1 < starts_.size()) work.push_back(starts_[k + 1]);
      for (uint32_t i = 0; i < info.fixedOperandCount; i++)
        if (info.operands[i] == OperandKind::JMP)
          work.push_back(uint32_t(int64_t(starts_[k]) + int32_t(pc[1 + i])));
    }
  }

  // How much machine code uses each register: its uses by instructions in machine code, those
  // inside loops counting ten times per level of nesting.
  std::vector<double> useWeights() const {
    std::vector<double> weight(fn_.registerCount, 0);
    for (size_t k = 0; k < starts_.size(); k++) {
      const uint32_t* pc = fn_.code + starts_[k];
      if (strategyFor(Opcode(pc[0])) != Strategy::Native) continue;
      const OpcodeInfo& info = opcodeInfo(pc[0]);
      double w = std::pow(10.0, std::min<uint32_t>(depth_[k], 6));
      for (uint32_t i = 0; i < info.fixedOperandCount; i++)
        if (isRegisterOperand(info.operands[i])) weight[pc[1 + i]] += w;
    }
    for (const InlineSite& site : inlineSites_) { // the arguments and result of inlined calls
      const uint32_t* pc = pcOf(site.at);
      double w = std::pow(10.0, std::min<uint32_t>(depth_[indexOf(site.at)], 6));
      for (uint32_t i = 0; i < pc[3]; i++)
        weight[pc[4 + i]] += w;
      // A void call's result operand is unused and may name no register (bitOf says the same).
      if (program_.functions[pc[2]].returnType->kind != TypeKind::Void) weight[pc[1]] += w;
    }
    return weight;
  }

  // For each register of a function with at most 32 registers and no backward branch, the
  // instructions from its first write (0 for a parameter, or one read before it is written) to
  // its last use: registers whose spans do not meet may share a home. Without the analysis, each
  // spans the whole function.
  std::vector<std::pair<uint32_t, uint32_t>> registerSpans() {
    uint32_t n = uint32_t(starts_.size());
    std::vector<std::pair<uint32_t, uint32_t>> spans(fn_.registerCount, {0, n});
    if (fn_.registerCount > 32 || !loopHeaders_.empty()) return spans;
    HomeMask readFirst, named;
    registerUse(readFirst, named);
    std::vector<FlowInstruction> code =
        describeFlow([](uint32_t r) { return r < 32 ? 1u << r : 0u; });
    for (uint32_t r = 0; r < fn_.registerCount; r++) {
      bool fromEntry = r < fn_.paramCount || (readFirst >> r & 1);
      spans[r] = {fromEntry ? 0 : n, 0};
      for (uint32_t k = 0; k < n; k++) {
        if (!((code[k].uses | code[k].defs) >> r & 1)) continue;
        spans[r].first = std::min(spans[r].first, k);
        spans[r].second = k;
      }
    }
    return spans;
  }

  // Gives homes to the registers that machine code uses most: this function's own, and those of
  // the callees compiled into it (inlineBody), weighted by the loops around their call. A callee's
  // registers never share a home with this function's; those of different calls may.
  void chooseHomes() {
    homes_.assign(fn_.registerCount, Home{});
    struct Candidate {
      double weight;
      int32_t site; // -1 for this function's register, else an index into inlineSites_
      uint32_t reg;
      bool isFloat;
    };
    std::vector<Candidate> candidates;
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> spans; // by site, by register
    for (size_t k = 0; k < starts_.size() && !returnTo_.isValid(); k++) {
      const uint32_t* pc = pcOf(starts_[k]);
      if (Opcode(pc[0]) != Opcode::CALL || !inlinesBody(starts_[k])) continue;
      const FunctionInfo& callee = program_.functions[pc[2]];
      FunctionEmitter inner(callee, program_, entries_, caches_, a_);
      if (!inner.analyse()) continue; // inlineBody refuses it too
      std::vector<double> weights = inner.useWeights();
      double scale = std::pow(10.0, std::min<uint32_t>(depth_[k], 6));
      inlineSites_.push_back({starts_[k], std::vector<Home>(callee.registerCount)});
      spans.push_back(inner.registerSpans());
      for (uint32_t r = 0; r < callee.registerCount; r++) {
        if (weights[r] > 0 || r < callee.paramCount)
          candidates.push_back(
              {(weights[r] + 1) * scale, int32_t(inlineSites_.size() - 1), r, inner.isFloat(r)});
      }
    }
    std::vector<double> own = useWeights();
    for (uint32_t r = 0; r < fn_.registerCount; r++)
      if (own[r] > 0) candidates.push_back({own[r], -1, r, isFloat(r)});
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& x, const Candidate& y) { return x.weight > y.weight; });
    // Bit i: kGpHomes[i] or kXmmHomes[i], taken by this function, by any callee, by each callee.
    uint32_t ownTaken[2] = {0, 0}, calleeTaken[2] = {0, 0};
    std::vector<std::array<uint32_t, 2>> siteTaken(inlineSites_.size(), {0, 0});
    // By site, kind and home: the spans of the callee's registers given that home.
    std::vector<std::array<std::array<std::vector<std::pair<uint32_t, uint32_t>>, 16>, 2>> held(
        inlineSites_.size());
    auto meets = [](const std::vector<std::pair<uint32_t, uint32_t>>& list,
                    std::pair<uint32_t, uint32_t> span) {
      for (auto [from, to] : list)
        if (span.first <= to && from <= span.second) return true;
      return false;
    };
    const uint32_t count[2] = {uint32_t(std::size(kGpHomes)), uint32_t(std::size(kXmmHomes))};
    for (const Candidate& c : candidates) {
      int kind = c.isFloat ? 1 : 0;
      uint32_t all = (1u << count[kind]) - 1;
      int bit = -1;
      if (c.site < 0) { // the first free home: rbx and rbp, which calls keep, go to the most used
        uint32_t free = all & ~ownTaken[kind] & ~calleeTaken[kind];
        if (free) bit = __builtin_ctz(free);
      } else { // the last free home, preferring one this callee or another already uses
        std::pair<uint32_t, uint32_t> span = spans[c.site][c.reg];
        uint32_t free = all & ~ownTaken[kind];
        for (uint32_t b = 0; b < count[kind]; b++)
          if (meets(held[c.site][kind][b], span)) free &= ~(1u << b);
        uint32_t preferred[] = {free & siteTaken[c.site][kind], free & calleeTaken[kind], free};
        for (uint32_t choice : preferred) {
          if (!choice) continue;
          bit = 31 - __builtin_clz(choice);
          break;
        }
        if (bit >= 0) held[c.site][kind][bit].push_back(span);
      }
      if (bit < 0) continue;
      Home home;
      if (c.isFloat)
        home.xmm = kXmmHomes[bit];
      else
        home.gp = kGpHomes[bit];
      if (c.site < 0) {
        ownTaken[kind] |= 1u << bit;
        homes_[c.reg] = home;
        homed_.push_back(c.reg);
      } else {
        siteTaken[c.site][kind] |= 1u << bit;
        calleeTaken[kind] |= 1u << bit;
        inlineSites_[c.site].homes[c.reg] = home;
      }
    }
    homeBit_.assign(fn_.registerCount, -1);
    for (size_t i = 0; i < homed_.size(); i++) {
      uint32_t r = homed_[i];
      homeBit_[r] = int32_t(i);
      if (homes_[r].xmm.isValid() || (homes_[r].gp != rbx && homes_[r].gp != rbp))
        volatileHomes_ |= 1u << i;
    }
  }

  // Whether the instruction at `at` calls out of compiled code on its main path (a step, a
  // call made for real), as emitInstruction decides.
  bool callsOut(uint32_t at) {
    Opcode op = Opcode(fn_.code[at]);
    switch (op) {
    case Opcode::CALL: return !inlinesBody(at);
    case Opcode::CALL_VIRTUAL:
    case Opcode::CALL_INTERFACE:
    case Opcode::CALL_CLOSURE: return true;
    case Opcode::CALL_NATIVE: return !isInlineNative(at);
    case Opcode::NEW_OBJECT:
    case Opcode::NEW_CELL:
    case Opcode::NEW_CLOSURE: {
      SmallObject object;
      return !smallObject(at, object);
    }
    default: return strategyFor(op) == Strategy::Step || callsC(op);
    }
  }

  uint32_t indexOf(uint32_t pc) const {
    return uint32_t(std::lower_bound(starts_.begin(), starts_.end(), pc) - starts_.begin());
  }

  // What each instruction does to the registers that `bitOf` gives a bit, for jit/home_flow.h.
  template <typename BitOf> std::vector<FlowInstruction> describeFlow(BitOf bitOf) {
    size_t n = starts_.size();
    std::vector<FlowInstruction> code(n);
    for (size_t k = 0; k < n; k++) {
      const uint32_t* pc = pcOf(starts_[k]);
      Opcode op = Opcode(pc[0]);
      const OpcodeInfo& info = opcodeInfo(op);
      FlowInstruction& ins = code[k];
      if (!(info.flags & F_TERM) && k + 1 < n)
        ins.successors[ins.successorCount++] = uint32_t(k + 1);
      for (uint32_t i = 0; i < info.fixedOperandCount; i++) {
        if (info.operands[i] == OperandKind::JMP)
          ins.successors[ins.successorCount++] =
              indexOf(uint32_t(int64_t(starts_[k]) + int32_t(pc[1 + i])));
      }
      FirstOperandUse first = firstOperandUse(op);
      // A CALL of a function that returns a value always writes its result register.
      const bool callWrites =
          op == Opcode::CALL && program_.functions[pc[2]].returnType->kind != TypeKind::Void;
      ins.callsOut = callsOut(starts_[k]);
      if (ins.callsOut) { // reads its operands from their slots
        if (first == FirstOperandUse::Written || callWrites) ins.defs = bitOf(pc[1]);
        if (first != FirstOperandUse::None && first != FirstOperandUse::Read)
          ins.clobbers = bitOf(pc[1]);
        ins.clobbers |= volatileHomes_;
        continue;
      }
      for (uint32_t i = 0; i < info.fixedOperandCount; i++) {
        if (i == 0 && first != FirstOperandUse::Read && first != FirstOperandUse::ReadAndWritten)
          continue;
        if (isRegisterOperand(info.operands[i])) ins.uses |= bitOf(pc[1 + i]);
      }
      if (info.hasArgs) {
        uint32_t argc = pc[info.fixedOperandCount];
        for (uint32_t i = 0; i < argc; i++)
          ins.uses |= bitOf(pc[1 + info.fixedOperandCount + i]);
      }
      bool writes = first == FirstOperandUse::Written || first == FirstOperandUse::ReadAndWritten ||
                    (op == Opcode::CALL_NATIVE) || // an inline native returns a value
                    callWrites;
      if (writes) ins.defs = bitOf(pc[1]);
    }
    return code;
  }

  void analyseFlow() {
    std::vector<uint32_t> entries{0};
    for (uint32_t header : loopHeaders_)
      entries.push_back(indexOf(header));
    flow_ = analyseHomeFlow(describeFlow([this](uint32_t r) { return bitOf(r); }), entries);
  }

  // For a function of at most 32 registers (one bit each): those that may be read before they
  // are written, and all those any instruction names. Without the analysis, all of them.
  void registerUse(HomeMask& readFirst, HomeMask& named) {
    readFirst = named = ~0u;
    if (fn_.registerCount > 32) return;
    std::vector<FlowInstruction> code =
        describeFlow([this](uint32_t r) { return r < fn_.registerCount ? 1u << r : 0u; });
    HomeFlow flow = analyseHomeFlow(code, {0});
    readFirst = code[0].uses | (flow.liveOut[0] & ~code[0].defs);
    named = 0;
    for (const FlowInstruction& ins : code)
      named |= ins.uses | ins.defs;
  }

  bool isFloat(uint32_t r) const { return fn_.registerTypes[r]->kind == TypeKind::Float; }
  Mem slot(uint32_t r) const {
    return qword_ptr(kRegisters, slotBase_ + int32_t(r * sizeof(Slot)));
  }
  const uint32_t* pcOf(uint32_t at) const { return fn_.code + at; }

  // ---- Nuri registers ----
  // An int, bool or reference register as an operand: its home or its slot.
  Operand gpSource(uint32_t r) const {
    return homes_[r].gp.isValid() ? Operand(homes_[r].gp) : Operand(slot(r));
  }
  Operand xmmSource(uint32_t r) const {
    return homes_[r].xmm.isValid() ? Operand(homes_[r].xmm) : Operand(slot(r));
  }
  void loadGp(const Gp& to, uint32_t r) {
    if (homes_[r].gp.isValid()) {
      if (homes_[r].gp != to) a_.mov(to, homes_[r].gp);
    } else {
      a_.mov(to, slot(r));
    }
  }
  void storeGp(uint32_t r, const Gp& from) {
    if (homes_[r].gp.isValid()) {
      if (homes_[r].gp != from) a_.mov(homes_[r].gp, from);
    } else {
      a_.mov(slot(r), from);
    }
  }
  void loadXmm(const Xmm& to, uint32_t r) {
    if (homes_[r].xmm.isValid())
      a_.movaps(to, homes_[r].xmm);
    else
      a_.movsd(to, slot(r));
  }
  void storeXmm(uint32_t r, const Xmm& from) {
    if (homes_[r].xmm.isValid())
      a_.movaps(homes_[r].xmm, from);
    else
      a_.movsd(slot(r), from);
  }
  // The 8 bytes of any register, through a general-purpose one.
  void loadBits(const Gp& to, uint32_t r) {
    if (homes_[r].xmm.isValid())
      a_.movq(to, homes_[r].xmm);
    else
      loadGp(to, r);
  }
  void storeBits(uint32_t r, const Gp& from) {
    if (homes_[r].xmm.isValid())
      a_.movq(homes_[r].xmm, from);
    else
      storeGp(r, from);
  }
  void storeImmediate(uint32_t r, int64_t value) { // value fits in 32 bits, sign-extended
    if (homes_[r].gp.isValid())
      a_.mov(homes_[r].gp, imm(value));
    else
      a_.mov(slot(r), imm(value));
  }
  // The machine register to compute R[dest] in: its home, so that the result needs no move,
  // unless `laterSource` (a register read after the computation starts) lives there; else rax.
  Gp targetGp(uint32_t dest, uint32_t laterSource = UINT32_MAX) const {
    const Gp& home = homes_[dest].gp;
    if (!home.isValid()) return rax;
    if (laterSource != UINT32_MAX && homes_[laterSource].gp == home) return rax;
    return home;
  }
  Xmm targetXmm(uint32_t dest, uint32_t laterSource) const {
    const Xmm& home = homes_[dest].xmm;
    if (!home.isValid() || homes_[laterSource].xmm == home) return xmm0;
    return home;
  }
  // Flags from comparing R[x] with R[y] (int, bool or reference registers).
  void compareGp(uint32_t x, uint32_t y) {
    if (homes_[x].gp.isValid()) {
      a_.emit(Inst::kIdCmp, homes_[x].gp, gpSource(y));
    } else if (homes_[y].gp.isValid()) {
      a_.cmp(slot(x), homes_[y].gp);
    } else {
      loadGp(rax, x);
      a_.cmp(rax, slot(y));
    }
  }
  // A register holding the reference in R[r]: its home, or `scratch` loaded from its slot.
  Gp gpIn(uint32_t r, const Gp& scratch) {
    if (homes_[r].gp.isValid()) return homes_[r].gp;
    a_.mov(scratch, slot(r));
    return scratch;
  }
  // R[r] := the 8 bytes at `from`, straight into its home when it has one.
  void storeBitsFrom(uint32_t r, const Mem& from) {
    if (homes_[r].gp.isValid())
      a_.mov(homes_[r].gp, from);
    else if (homes_[r].xmm.isValid())
      a_.movsd(homes_[r].xmm, from);
    else {
      a_.mov(rax, from);
      a_.mov(slot(r), rax);
    }
  }

  // The 8 bytes at `to` := R[r], straight from its home when it has one.
  void storeBitsTo(const Mem& to, uint32_t r) {
    if (homes_[r].gp.isValid()) {
      a_.mov(to, homes_[r].gp);
    } else if (homes_[r].xmm.isValid()) {
      a_.movsd(to, homes_[r].xmm);
    } else {
      a_.mov(rdx, slot(r));
      a_.mov(to, rdx);
    }
  }

  // R[to] := R[r] of `from` (this function, or one compiled into it), home to home where both
  // have one.
  void copyRegister(uint32_t to, const FunctionEmitter& from, uint32_t r) {
    const Home& source = from.homes_[r];
    const Home& target = homes_[to];
    if (target.gp.isValid()) {
      if (source.gp.isValid()) {
        if (source.gp != target.gp) a_.mov(target.gp, source.gp);
      } else if (source.xmm.isValid()) {
        a_.movq(target.gp, source.xmm);
      } else {
        a_.mov(target.gp, from.slot(r));
      }
    } else if (target.xmm.isValid()) {
      if (source.xmm.isValid()) {
        if (source.xmm != target.xmm) a_.movaps(target.xmm, source.xmm);
      } else if (source.gp.isValid()) {
        a_.movq(target.xmm, source.gp);
      } else {
        a_.movsd(target.xmm, from.slot(r));
      }
    } else if (source.gp.isValid()) {
      a_.mov(slot(to), source.gp);
    } else if (source.xmm.isValid()) {
      a_.movsd(slot(to), source.xmm);
    } else {
      a_.mov(rax, from.slot(r));
      a_.mov(slot(to), rax);
    }
  }

  // ---- Homes and slots (jit/home_flow.h) ----
  HomeMask allHomes() const { return homed_.size() == 32 ? ~0u : (1u << homed_.size()) - 1; }
  // (A void call's unused result operand may name no register at all.)
  HomeMask bitOf(uint32_t r) const {
    return r >= homeBit_.size() || homeBit_[r] < 0 ? 0 : 1u << homeBit_[r];
  }
  // The homes in `homes` to their slots: before a call out of compiled code, the dirty ones.
  void flushHomes(HomeMask homes) {
    for (size_t i = 0; i < homed_.size(); i++) {
      if (!(homes >> i & 1)) continue;
      uint32_t r = homed_[i];
      if (homes_[r].gp.isValid())
        a_.mov(slot(r), homes_[r].gp);
      else
        a_.movsd(slot(r), homes_[r].xmm);
    }
  }
  // The homes in `homes` from their slots: after a call out of compiled code, those it may
  // have changed (a result, machine registers a call may change) that are needed.
  void reloadHomes(HomeMask homes) {
    for (size_t i = 0; i < homed_.size(); i++) {
      if (!(homes >> i & 1)) continue;
      uint32_t r = homed_[i];
      if (homes_[r].gp.isValid())
        a_.mov(homes_[r].gp, slot(r));
      else
        a_.movsd(homes_[r].xmm, slot(r));
    }
  }
  // The states of the homes where a call out stores them.
  struct HomeStates {
    HomeMask dirty;
    HomeMask invalid;
  };
  HomeStates statesNow() const { return {flow_.dirtyIn[current_], flow_.invalidIn[current_]}; }
  // Before a call out at `at`: the dirty homes to their slots. A NURI_JIT_VERIFY build then
  // checks that every home the analysis takes for valid holds its slot's value, and stops the
  // process with the register's name when one does not.
  void storeBeforeCallOut(HomeStates states, uint32_t at) {
    flushHomes(states.dirty);
#if NURI_JIT_VERIFY
    for (size_t i = 0; i < homed_.size(); i++) {
      if (states.invalid >> i & 1) continue;
      uint32_t r = homed_[i];
      if (homes_[r].gp.isValid()) {
        a_.cmp(homes_[r].gp, slot(r));
      } else {
        a_.movq(rax, homes_[r].xmm);
        a_.cmp(rax, slot(r));
      }
      Label wrong = a_.newLabel();
      a_.jne(wrong);
      cold_.push_back([this, wrong, at, r] {
        a_.bind(wrong);
        a_.mov(rsi, uint64_t(uintptr_t(&fn_)));
        a_.mov(edx, at);
        a_.mov(ecx, r);
        callRuntime(reinterpret_cast<const void*>(&homeDiffersFromCompiled));
      });
    }
#else
    (void)at;
#endif
  }
  // After a call out on the instruction's main path: what it changed that is live.
  HomeMask reloadAfterCallOut() const {
    return flow_.liveOut[current_] & (volatileHomes_ | resultHome(current_));
  }
  // After a call out on a cold path that rejoins the main path after the instruction: what it
  // changed that the main path holds.
  HomeMask reloadToRejoin() const {
    return ~flow_.invalidOut[current_] & (volatileHomes_ | resultHome(current_)) & allHomes();
  }
  // The home an instruction may write through its first operand.
  HomeMask resultHome(size_t k) const {
    const uint32_t* pc = pcOf(starts_[k]);
    FirstOperandUse use = firstOperandUse(Opcode(pc[0]));
    return use == FirstOperandUse::None || use == FirstOperandUse::Read ? 0 : bitOf(pc[1]);
  }
  // Compiled code entered at its first instruction: the parameters from their slots, the other
  // registers zero as the frame's push left them (vm/frame.h); unless a branch leads back to
  // the first instruction, where the interpreter may enter with any values.
  void enterAtStart() {
    if (targets_.count(0)) return reloadHomes(allHomes());
    for (uint32_t r : homed_) {
      if (r < fn_.paramCount)
        reloadHomes(bitOf(r));
      else if (homes_[r].gp.isValid())
        a_.xor_(homes_[r].gp.r32(), homes_[r].gp.r32());
      else
        a_.xorps(homes_[r].xmm, homes_[r].xmm);
    }
  }

  // ---- Calls out of compiled code ----
  // Stores what a C++ call reads: every register in its slot, the frame's pc (at `at`) and the
  // count before the instruction (the run's count less the `ahead` instructions charged for it
  // and those after it).
  void saveState(uint32_t at, uint32_t ahead, HomeStates states) {
    storeBeforeCallOut(states, at);
    a_.mov(rax, uint64_t(uintptr_t(pcOf(at))));
    a_.mov(rcx, kFrameRecord);
    a_.mov(qword_ptr(rcx, offsets::kFramePc), rax);
    a_.lea(rax, qword_ptr(kCount, -int32_t(ahead)));
    a_.mov(rcx, qword_ptr(kContext, offsets::kInstructions));
    a_.mov(qword_ptr(rcx), rax);
  }
  // After a C++ call that may have spent fuel or moved the checkpoint: the count again, with
  // `ahead` instructions charged for the rest of the run.
  void reloadCount(uint32_t ahead) {
    a_.mov(rcx, qword_ptr(kContext, offsets::kInstructions));
    a_.mov(kCount, qword_ptr(rcx));
    if (ahead) a_.add(kCount, int32_t(ahead));
    a_.mov(rcx, qword_ptr(kContext, offsets::kCheckpoint));
    a_.mov(kCheckpoint, qword_ptr(rcx));
  }
  void callRuntime(const void* function) {
    a_.mov(rdi, kContext);
    a_.mov(rax, uint64_t(uintptr_t(function)));
    a_.call(rax);
  }

  // A check that failed jumps to a cold stub that raises the instruction's error.
  Label failure(uint32_t at, uint32_t ahead) {
    Label stub = a_.newLabel();
    cold_.push_back([this, stub, at, ahead, states = statesNow()] {
      a_.bind(stub);
      saveState(at, ahead, states);
      callRuntime(reinterpret_cast<const void*>(&raiseFromCompiled));
      a_.jmp(bail_);
    });
    return stub;
  }

  // A branch to `target` from the instruction at `at`, taken when `cc` holds (or always). A
  // backward branch checks the limits as the interpreter does.
  void branch(uint32_t at, int32_t offset, CondCode cc, bool always) {
    uint32_t target = uint32_t(int64_t(at) + offset);
    Label to = labels_.at(target);
    if (!flow_.flushOnExit.empty()) flushHomes(flow_.flushOnExit[current_]); // flags kept
    if (offset > 0) {
      if (always)
        a_.jmp(to);
      else
        a_.j(cc, to);
      return;
    }
    Label skip = a_.newLabel();
    if (!always) a_.j(negateCond(cc), skip);
    Label check = a_.newLabel();
    a_.cmp(kCount, kCheckpoint);
    a_.jb(to);
    a_.jmp(check);
    a_.bind(skip);
    cold_.push_back([this, check, to, target,
                     states = HomeStates{flow_.dirtyOut[current_], flow_.invalidOut[current_]},
                     reload = reloadToRejoin()] {
      a_.bind(check);
      saveState(target, 0, states); // the count includes the branch, as the interpreter's does
      callRuntime(reinterpret_cast<const void*>(&checkLimitsFromCompiled));
      a_.test(al, al);
      a_.jz(bail_);
      reloadCount(0);
      reloadHomes(reload);
      a_.jmp(to);
    });
  }

  // ---- Instructions in machine code ----
  void intBinary(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    if (op == Opcode::SHL_INT || op == Opcode::SHR_INT || op == Opcode::USHR_INT) {
      loadGp(rcx, pc[3]);
      Gp to = targetGp(pc[1]);
      loadGp(to, pc[2]);
      // The machine takes the count mod 64, as Nuri does.
      if (op == Opcode::SHL_INT)
        a_.shl(to, cl);
      else if (op == Opcode::SHR_INT)
        a_.sar(to, cl);
      else
        a_.shr(to, cl);
      storeGp(pc[1], to);
      return;
    }
    InstId id = op == Opcode::ADD_INT   ? Inst::kIdAdd
                : op == Opcode::SUB_INT ? Inst::kIdSub
                : op == Opcode::MUL_INT ? Inst::kIdImul
                : op == Opcode::AND_INT ? Inst::kIdAnd
                : op == Opcode::OR_INT  ? Inst::kIdOr
                                        : Inst::kIdXor;
    Gp to = targetGp(pc[1], pc[3]);
    loadGp(to, pc[2]);
    a_.emit(id, to, gpSource(pc[3]));
    storeGp(pc[1], to);
  }

  // x / y or x % y with x in rax and y in rcx, y neither 0 nor -1: a 32-bit divide when both
  // fit in 32 bits (several times faster than a 64-bit one on common cores).
  void divide(bool remainder) {
    Label wide = a_.newLabel(), done = a_.newLabel();
    a_.movsxd(rdx, eax);
    a_.cmp(rdx, rax);
    a_.jne(wide);
    a_.movsxd(rdx, ecx);
    a_.cmp(rdx, rcx);
    a_.jne(wide);
    a_.cdq();
    a_.idiv(ecx);
    if (remainder)
      a_.movsxd(rax, edx);
    else
      a_.movsxd(rax, eax);
    a_.jmp(done);
    a_.bind(wide);
    a_.cqo();
    a_.idiv(rcx);
    if (remainder) a_.mov(rax, rdx);
    a_.bind(done);
  }

  // Whether x / y for a constant y can multiply by a rounded reciprocal instead of dividing
  // (Granlund and Montgomery's method, as C compilers do; the divide instruction takes tens of
  // cycles): finds the smallest shift s and the multiplier m (below 2^64) with
  // trunc(x / |y|) = floor(x * m / 2^(64 + s)), plus one for a negative x.
  static bool reciprocal(uint64_t magnitude, uint64_t& multiplier, int& shift) {
    for (shift = 0; shift < 64; shift++) {
      unsigned __int128 power = (unsigned __int128)1 << (64 + shift);
      unsigned __int128 m = power / magnitude + 1;
      // The rounding error m * |y| - 2^(64+s) stays below 2^(s+1): exact for |x| <= 2^63.
      if (m * magnitude - power < ((unsigned __int128)1 << (shift + 1))) {
        if (m >> 64) return false;
        multiplier = uint64_t(m);
        return true;
      }
    }
    return false;
  }

  // x / y or x % y for a constant y other than 0 and -1, with x in rax; the result in rax.
  void divideByConstant(int64_t y, bool remainder) {
    uint64_t magnitude = y < 0 ? uint64_t(-y) : uint64_t(y);
    uint64_t multiplier = 0;
    int shift = 0;
    bool powerOfTwo = (magnitude & (magnitude - 1)) == 0;
    if (!powerOfTwo && !reciprocal(magnitude, multiplier, shift)) {
      a_.mov(rcx, y);
      divide(remainder);
      return;
    }
    a_.mov(rcx, rax); // x
    if (powerOfTwo) {
      // A power of two: shift, rounding toward zero by adding |y| - 1 to a negative x.
      shift = __builtin_ctzll(magnitude);
      a_.mov(rdx, rax);
      if (shift) {
        a_.sar(rdx, 63);
        a_.shr(rdx, 64 - shift);
        a_.add(rdx, rcx);
        a_.sar(rdx, shift);
      }
    } else {
      a_.mov(rax, multiplier);
      a_.imul(rcx);                           // rdx:rax = x * m, m read as signed
      if (multiplier >> 63) a_.add(rdx, rcx); // m is 2^64 more than that
      if (shift) a_.sar(rdx, shift);
      a_.mov(rax, rcx);
      a_.shr(rax, 63);
      a_.add(rdx, rax); // one more for a negative x: truncation toward zero
    }
    if (y < 0) a_.neg(rdx);
    if (remainder) { // x - (x / y) * y
      a_.imul(rdx, rdx, imm(y));
      a_.mov(rax, rcx);
      a_.sub(rax, rdx);
    } else {
      a_.mov(rax, rdx);
    }
  }

  void intDivision(uint32_t at, uint32_t ahead, bool remainder, bool immediate) {
    const uint32_t* pc = pcOf(at);
    Label done = a_.newLabel();
    if (immediate) {
      int32_t y = int32_t(pc[3]);
      if (y == 0) {
        a_.jmp(failure(at, ahead));
        return;
      }
      loadGp(rax, pc[2]);
      if (y == -1) {
        if (remainder)
          a_.xor_(eax, eax);
        else
          a_.neg(rax);
      } else {
        divideByConstant(y, remainder);
      }
    } else {
      loadGp(rcx, pc[3]);
      loadGp(rax, pc[2]);
      a_.test(rcx, rcx);
      a_.jz(failure(at, ahead));
      Label general = a_.newLabel();
      a_.cmp(rcx, -1);
      a_.jne(general);
      // x / -1 is -x (wrapping); x % -1 is 0.
      if (remainder)
        a_.xor_(eax, eax);
      else
        a_.neg(rax);
      a_.jmp(done);
      a_.bind(general);
      divide(remainder);
    }
    a_.bind(done);
    storeGp(pc[1], rax);
  }

  void floatBinary(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    InstId id = op == Opcode::ADD_FLOAT   ? Inst::kIdAddsd
                : op == Opcode::SUB_FLOAT ? Inst::kIdSubsd
                : op == Opcode::MUL_FLOAT ? Inst::kIdMulsd
                                          : Inst::kIdDivsd;
    Xmm to = targetXmm(pc[1], pc[3]);
    if (to != homes_[pc[2]].xmm) loadXmm(to, pc[2]);
    a_.emit(id, to, xmmSource(pc[3]));
    if (to != homes_[pc[1]].xmm) storeXmm(pc[1], to);
  }

  // R[A] := (R[B] cc R[C]) for 8-byte integers, booleans and references.
  void compareWords(uint32_t at, CondCode cc) {
    const uint32_t* pc = pcOf(at);
    loadGp(rax, pc[2]);
    a_.emit(Inst::kIdCmp, rax, gpSource(pc[3]));
    a_.set(cc, al);
    a_.movzx(eax, al);
    storeGp(pc[1], rax);
  }

  // Float comparisons are false when either side is NaN (and != true).
  void compareFloats(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    switch (op) {
    case Opcode::EQ_FLOAT:
    case Opcode::NE_FLOAT:
      loadXmm(xmm0, pc[2]);
      a_.emit(Inst::kIdUcomisd, xmm0, xmmSource(pc[3]));
      if (op == Opcode::EQ_FLOAT) {
        a_.sete(al);
        a_.setnp(cl);
        a_.and_(al, cl);
      } else {
        a_.setne(al);
        a_.setp(cl);
        a_.or_(al, cl);
      }
      break;
    default: // x < y is y > x, and x <= y is y >= x: "above" is false for unordered operands
      loadXmm(xmm0, pc[3]);
      a_.emit(Inst::kIdUcomisd, xmm0, xmmSource(pc[2]));
      if (op == Opcode::LT_FLOAT)
        a_.seta(al);
      else
        a_.setae(al);
      break;
    }
    a_.movzx(eax, al);
    storeGp(pc[1], rax);
  }

  // Loads the object in register r into rax, jumping to the instruction's error when null.
  // The object in register r (its home, or rax), jumping to the instruction's error when null.
  Gp nonNull(uint32_t r, uint32_t at, uint32_t ahead) {
    Gp object = gpIn(r, rax);
    a_.test(object, object);
    a_.jz(failure(at, ahead));
    return object;
  }

  // The element of `array` at `index`: its address, checked unless a counted loop's facts show
  // that the array is not null and the index within it (findCountedLoops).
  Mem element(uint32_t array, uint32_t index, uint32_t at, uint32_t ahead) {
    if (!uncheckedAccesses_.count(at)) return checkedElement(array, index, at, ahead);
    return qword_ptr(gpIn(array, rax), gpIn(index, rcx), 3, offsets::kArrayElements);
  }

  // ---- Counted loops ----
  // `for (i in k..a.length)` with k >= 0, as the compiler emits it: LOAD_INT i, k and
  // ARRAY_LEN n, a before the guard JGE_INT i, n (which jumps past the loop), the body from
  // the guard's next instruction to LOOP_INT i, n at its end, nothing entering the body but
  // through the guard, and none of i, n, a written in the body but i by LOOP_INT. In the body
  // 0 <= i < n = a.length (a's length never changes), so a[i] is neither null nor out of
  // bounds: its checks go.
  struct CountedLoop {
    uint32_t header, end;         // instruction indices: the body
    uint32_t index, bound, array; // registers i, n, a
  };
  std::vector<CountedLoop> countedLoops_;
  std::set<uint32_t> uncheckedAccesses_; // pcs of ARRAY_GET and ARRAY_SET

  bool writes(uint32_t k, uint32_t r) const {
    const uint32_t* pc = pcOf(starts_[k]);
    FirstOperandUse use = firstOperandUse(Opcode(pc[0]));
    return use != FirstOperandUse::None && use != FirstOperandUse::Read && pc[1] == r;
  }

  void findCountedLoops() {
    uint32_t n = uint32_t(starts_.size());
    for (uint32_t k = 0; k < n; k++) {
      const uint32_t* pc = pcOf(starts_[k]);
      if (Opcode(pc[0]) != Opcode::LOOP_INT || int32_t(pc[3]) > 0) continue;
      CountedLoop loop{indexOf(uint32_t(int64_t(starts_[k]) + int32_t(pc[3]))), k, pc[1], pc[2], 0};
      if (loop.header == 0 || loop.header > k) continue;
      uint32_t guard = loop.header - 1;
      const uint32_t* g = pcOf(starts_[guard]);
      if (Opcode(g[0]) != Opcode::JGE_INT || g[1] != loop.index || g[2] != loop.bound ||
          int64_t(starts_[guard]) + int32_t(g[3]) <= int64_t(starts_[k]) ||
          targets_.count(starts_[guard]))
        continue;
      if (!definedBefore(guard, loop) || entersFromOutside(loop)) continue;
      bool written = false;
      for (uint32_t j = loop.header; j <= k && !written; j++) {
        written =
            (j != k && writes(j, loop.index)) || writes(j, loop.bound) || writes(j, loop.array);
      }
      if (written) continue;
      countedLoops_.push_back(loop);
      for (uint32_t j = loop.header; j < k; j++) {
        const uint32_t* e = pcOf(starts_[j]);
        Opcode op = Opcode(e[0]);
        if ((op == Opcode::ARRAY_GET && e[2] == loop.array && e[3] == loop.index) ||
            (op == Opcode::ARRAY_SET && e[1] == loop.array && e[2] == loop.index))
          uncheckedAccesses_.insert(starts_[j]);
      }
    }
  }

  // Whether the straight-line code before the guard sets i to a constant k >= 0 and n to the
  // length of an array a (found here) not written after it.
  bool definedBefore(uint32_t guard, CountedLoop& loop) {
    bool index = false, bound = false;
    std::set<uint32_t> writtenLater;
    for (uint32_t j = guard; j-- > 0;) {
      const uint32_t* pc = pcOf(starts_[j]);
      Opcode op = Opcode(pc[0]);
      if (opcodeInfo(op).flags & (F_BRANCH | F_TERM)) return false;
      if (!index && writes(j, loop.index)) {
        if (op != Opcode::LOAD_INT || int32_t(pc[2]) < 0) return false;
        index = true;
      }
      if (!bound && writes(j, loop.bound)) {
        if (op != Opcode::ARRAY_LEN || writtenLater.count(pc[2])) return false;
        loop.array = pc[2];
        bound = true;
      }
      if (index && bound) return true;
      FirstOperandUse use = firstOperandUse(op);
      if (use != FirstOperandUse::None && use != FirstOperandUse::Read) writtenLater.insert(pc[1]);
      if (targets_.count(starts_[j])) return false; // other paths reach what follows
    }
    return false;
  }

  // Whether a branch or handler from outside the body lands inside it.
  bool entersFromOutside(const CountedLoop& loop) const {
    auto inside = [&](uint32_t pc) {
      return pc >= starts_[loop.header] && pc <= starts_[loop.end];
    };
    for (uint32_t h = 0; h < fn_.handlerCount; h++)
      if (inside(fn_.handlers[h].target)) return true;
    for (uint32_t j = 0; j < starts_.size(); j++) {
      if (j >= loop.header && j <= loop.end) continue;
      const uint32_t* pc = pcOf(starts_[j]);
      const OpcodeInfo& info = opcodeInfo(pc[0]);
      for (uint32_t i = 0; i < info.fixedOperandCount; i++)
        if (info.operands[i] == OperandKind::JMP &&
            inside(uint32_t(int64_t(starts_[j]) + int32_t(pc[1 + i]))))
          return true;
    }
    return false;
  }

  // Entering at loop header `header` from the interpreter: the facts of every counted loop
  // around it must hold (they do for any frame the program made; not necessarily for one
  // restored from a damaged snapshot), else compiled code stops and the interpreter goes on.
  void checkCountedLoops(uint32_t header) {
    for (const CountedLoop& loop : countedLoops_) {
      if (header < loop.header || header > loop.end) continue;
      Gp array = gpIn(loop.array, rax);
      a_.test(array, array);
      a_.jz(bail_);
      loadGp(rcx, loop.index);
      a_.test(rcx, rcx);
      a_.js(bail_);
      loadGp(rdx, loop.bound);
      a_.cmp(rcx, rdx);
      a_.jge(bail_);
      a_.cmp(rdx, qword_ptr(array, offsets::kArrayLength));
      a_.jne(bail_);
    }
  }

  // The element of `array` at `index`, both checked: its address.
  Mem checkedElement(uint32_t array, uint32_t index, uint32_t at, uint32_t ahead) {
    Gp base = nonNull(array, at, ahead);
    Gp i = gpIn(index, rcx);
    a_.cmp(i, qword_ptr(base, offsets::kArrayLength));
    a_.jae(failure(at, ahead)); // unsigned: a negative index is huge
    return qword_ptr(base, i, 3, offsets::kArrayElements);
  }

  void emitReturn(uint32_t at, bool hasValue) {
    const uint32_t* pc = pcOf(at);
    if (returnTo_.isValid()) { // inlined: the value into the caller's register, back to its code
      if (hasValue) caller_->copyRegister(callerResult_, *this, pc[1]);
      bool last = true; // the body's last instruction with code: it falls through
      for (size_t k = current_ + 1; k < starts_.size(); k++)
        last &= !reachable_[k];
      if (!last) a_.jmp(returnTo_);
      return;
    }
    if (hasValue)
      loadBits(rax, pc[1]);
    else
      a_.xor_(eax, eax);
    a_.mov(rcx, qword_ptr(kContext, offsets::kStack));
    a_.sub(qword_ptr(rcx, offsets::kFramesTop), int32_t(sizeof(CallFrame)));
    a_.mov(qword_ptr(rcx, offsets::kStackTop), kRegisters);
    a_.mov(edx, uint32_t(hasValue ? kTierReturned : kTierReturnedVoid));
    emitEpilogue(a_);
  }

  // ---- Calls ----
  // Calls the compiled code at `entry` (a register other than rdi and rsi, or this function's
  // start) for the innermost frame, whose record is in rsi and whose registers are in
  // `registers` (or read from the record when none is given); on return, stops if it stopped,
  // else stores its result in register `result` (TO_STR_REF: "null" for null) unless it
  // returned none, and loads the homes in `reload`: the result's straight from rax.
  void callCompiled(const Operand& entry, uint32_t result, Opcode op, HomeMask reload,
                    const Gp& registers = Gp()) {
    if (registers.isValid())
      a_.mov(rdi, registers);
    else
      a_.mov(rdi, qword_ptr(rsi, offsets::kFrameRegisters));
    if (entry.isLabel())
      a_.call(entry.as<Label>());
    else
      a_.call(entry.as<Gp>());
    const HomeMask resultBit = reload & bitOf(result);
    Label returnedVoid = a_.newLabel(), reloadRest = a_.newLabel();
    a_.cmp(edx, uint32_t(kTierStopped));
    a_.je(bail_); // our pc stands at the call, as the callee's return expects
    a_.ja(returnedVoid);
    if (op == Opcode::TO_STR_REF) { // a toString that returned null reads as "null"
      Label text = a_.newLabel();
      a_.test(rax, rax);
      a_.jnz(text);
      a_.mov(rax, qword_ptr(kContext, offsets::kNullText));
      a_.bind(text);
    }
    a_.mov(slot(result), rax);
    if (resultBit) storeBits(result, rax);
    a_.bind(reloadRest);
    reloadHomes(reload & ~resultBit);
    cold_.push_back([this, returnedVoid, reloadRest, resultBit] {
      a_.bind(returnedVoid); // the result register keeps its value, in its slot
      reloadHomes(resultBit);
      a_.jmp(reloadRest);
    });
  }

  // An instruction run by the interpreter's step. For one that may enter a frame (a call, the
  // text of an object with toString), compiled code then runs that frame: from its compiled
  // code, or by stopping so that the interpreter runs it.
  // `states`: the homes' states, the dirty ones to store first; `reload`: those to load after
  // it. A native is called
  // without the rest of a step (nativeFromCompiled).
  void step(uint32_t at, uint32_t ahead, Opcode op, HomeStates states, HomeMask reload) {
    saveState(at, ahead, states);
    callRuntime(op == Opcode::CALL_NATIVE ? reinterpret_cast<const void*>(&nativeFromCompiled)
                                          : reinterpret_cast<const void*>(&stepFromCompiled));
    a_.test(al, al);
    a_.jz(bail_);
    reloadCount(ahead - 1);
    if ((opcodeInfo(op).flags & F_CALL) && op != Opcode::CALL_NATIVE) {
      Label done = a_.newLabel(), reloaded = a_.newLabel();
      // The frame innermost after the step: this one (no call was made) or the callee's.
      a_.mov(rax, qword_ptr(kContext, offsets::kStack));
      a_.mov(rsi, qword_ptr(rax, offsets::kFramesTop));
      a_.sub(rsi, int32_t(sizeof(CallFrame)));
      a_.cmp(rsi, kFrameRecord);
      a_.je(done);
      callRuntime(reinterpret_cast<const void*>(&entryOfInnermost));
      a_.test(rax, rax);
      a_.jz(bail_); // the interpreter runs the callee (pc and count are stored)
      a_.cmp(rsp, qword_ptr(kContext, offsets::kMachineStackLimit));
      a_.jb(bail_); // deep enough: the interpreter takes the callee, compiled code starts afresh
      a_.mov(r11, rax);
      a_.mov(rax, qword_ptr(kContext, offsets::kStack));
      a_.mov(rsi, qword_ptr(rax, offsets::kFramesTop));
      a_.sub(rsi, int32_t(sizeof(CallFrame)));
      callCompiled(r11, pcOf(at)[1], op, reload);
      a_.jmp(reloaded);
      a_.bind(done);
      reloadHomes(reload);
      a_.bind(reloaded);
      return;
    }
    reloadHomes(reload);
  }

  // Whether `callee` can be compiled into its caller's code: a small function without calls,
  // loops, handlers or anything that can fail or call out, so that nothing (a stack trace, a
  // limit, the collector, a snapshot) can tell that it ran without a frame.
  static bool isInlinable(const FunctionInfo& callee) {
    if (callee.handlerCount || callee.codeSize > 96) return false;
    for (uint32_t at = 0; at < callee.codeSize;) {
      const uint32_t* pc = callee.code + at;
      uint32_t length = instructionLength(pc, callee.codeSize - at);
      if (!length) return false;
      Opcode op = Opcode(*pc);
      const OpcodeInfo& info = opcodeInfo(op);
      if (strategyFor(op) != Strategy::Native || callsC(op) || (info.flags & F_CALL)) return false;
      bool constantDivisor = (op == Opcode::DIV_INT_IMM || op == Opcode::MOD_INT_IMM) && pc[3] != 0;
      if ((info.flags & F_THROW) && !constantDivisor) return false;
      for (uint32_t k = 0; k < info.fixedOperandCount; k++) {
        if (info.operands[k] == OperandKind::JMP && int32_t(pc[1 + k]) <= 0) return false;
      }
      at += length;
    }
    return true;
  }

  // CALL of an inlinable function: the callee's code is emitted here, its registers in the
  // homes this function leaves free and the rest in the slots its frame would have. When the
  // callee's entry is due for a limit check, the call is made for real (inlineCall), so that the
  // check, and a suspension there, happen in the callee's frame as the interpreter's would.
  bool inlinesBody(uint32_t at) const {
    return !returnTo_.isValid() && isInlinable(program_.functions[pcOf(at)[2]]);
  }
  bool inlineBody(uint32_t at, uint32_t ahead) {
    const uint32_t* pc = pcOf(at);
    const FunctionInfo& callee = program_.functions[pc[2]];
    if (!inlinesBody(at)) return false;
    auto site = std::find_if(inlineSites_.begin(), inlineSites_.end(),
                             [at](const InlineSite& s) { return s.at == at; });
    if (site == inlineSites_.end()) return false;
    FunctionEmitter inner(callee, program_, entries_, caches_, a_);
    if (!inner.analyse()) return false;
    inner.homes_ = site->homes;
    HomeMask readFirst, named;
    inner.registerUse(readFirst, named);
    bool inSlots = false; // some register lives in its slot, above the stack's top
    for (uint32_t r = 0; r < callee.registerCount; r++) {
      bool homed = inner.homes_[r].gp.isValid() || inner.homes_[r].xmm.isValid();
      if (homed) inner.homed_.push_back(r);
      if (!homed && (r >= 32 || (named >> r & 1))) inSlots = true;
    }
    inner.slotBase_ = slotBase_ + int32_t(fn_.registerCount * sizeof(Slot));
    inner.returnTo_ = a_.newLabel();
    inner.caller_ = this;
    inner.callerResult_ = pc[1];
    for (uint32_t t : inner.targets_)
      inner.labels_[t] = a_.newLabel();
    Label call = a_.newLabel(), after = a_.newLabel();
    a_.cmp(kCount, kCheckpoint);
    a_.jae(call);
    // The interpreter's frame for the callee would have to fit below the stack's soft limits
    // (else extendStack decides: a StackOverflowError, the heap limit, or more room): the same
    // test, with the real call when it fails.
    a_.lea(rax,
           qword_ptr(kRegisters, inner.slotBase_ + int32_t(callee.registerCount * sizeof(Slot))));
    a_.mov(rcx, qword_ptr(kContext, offsets::kStack));
    a_.cmp(rax, qword_ptr(rcx, offsets::kStackSoftEnd));
    a_.ja(call);
    a_.mov(rdx, qword_ptr(rcx, offsets::kFramesTop));
    a_.cmp(rdx, qword_ptr(rcx, offsets::kFramesSoftEnd));
    a_.jae(call);
    // Registers in slots are above the stack's top, where the collector does not look: the top
    // covers them while the callee runs (a collection on another thread may stop it anywhere).
    if (inSlots) a_.mov(qword_ptr(rcx, offsets::kStackTop), rax);
    // The arguments into the callee's parameters, its other registers zero (vm/frame.h) where
    // they may be read before they are written.
    for (uint32_t i = 0; i < pc[3]; i++)
      inner.copyRegister(i, *this, pc[4 + i]);
    for (uint32_t r = callee.paramCount; r < callee.registerCount; r++) {
      if (r < 32 && !(readFirst >> r & 1)) continue;
      if (inner.homes_[r].xmm.isValid())
        a_.xorps(inner.homes_[r].xmm, inner.homes_[r].xmm);
      else if (inner.homes_[r].gp.isValid())
        a_.xor_(inner.homes_[r].gp.r32(), inner.homes_[r].gp.r32());
      else
        a_.mov(inner.slot(r), imm(0));
    }
    inner.emitBody();
    a_.bind(inner.returnTo_);
    if (inSlots) { // the top back at this frame's end
      a_.mov(rcx, qword_ptr(kContext, offsets::kStack));
      a_.lea(rdx, qword_ptr(kRegisters, slotBase_ + int32_t(fn_.registerCount * sizeof(Slot))));
      a_.mov(qword_ptr(rcx, offsets::kStackTop), rdx);
    }
    a_.bind(after);
    cold_.push_back(
        [this, call, after, at, ahead, states = statesNow(), reload = reloadToRejoin()] {
          a_.bind(call);
          inlineCall(at, ahead, Opcode::CALL, states, reload);
          a_.jmp(after);
        });
    return true;
  }

  // Calls (CALL, CALL_VIRTUAL, CALL_INTERFACE, CALL_CLOSURE) of a callee that has compiled
  // code: the callee is found and its frame entered here, as the interpreter does; anything
  // unusual (a null receiver, no compiled code yet, the stack's soft limits, a deep machine
  // stack) takes the step's way, which makes the interpreter's error or runs the callee.
  // `states`: the homes' states, the dirty ones to store first; `reload`: those to load after
  // the call.
  void inlineCall(uint32_t at, uint32_t ahead, Opcode op, HomeStates states, HomeMask reload) {
    const uint32_t* pc = pcOf(at);
    const int32_t newBase = int32_t(fn_.registerCount * sizeof(Slot));
    const uint32_t argc = pc[3];
    const uint32_t* args = pc + 4;
    Label slow = a_.newLabel(), done = a_.newLabel();
    storeBeforeCallOut(states, at); // from here on homes are scratch: the slow path must not store
    // The callee into rdx (a closure into r11).
    switch (op) {
    case Opcode::CALL: a_.mov(rdx, uint64_t(uintptr_t(&program_.functions[pc[2]]))); break;
    case Opcode::CALL_VIRTUAL:
      a_.mov(rax, slot(args[0]));
      a_.test(rax, rax);
      a_.jz(slow);
      a_.mov(eax, dword_ptr(rax)); // the receiver's type index
      a_.mov(rcx, qword_ptr(kContext, offsets::kTypes));
      a_.mov(rcx, qword_ptr(rcx, rax, 3));
      a_.mov(rcx, qword_ptr(rcx, offsets::kTypeVtable));
      a_.mov(rdx, qword_ptr(rcx, int32_t(pc[2] * sizeof(void*))));
      break;
    case Opcode::CALL_INTERFACE: {
      // The method from the call site's cache when the receiver's class is the one it holds,
      // else from the class's interface table (which fills the cache).
      std::atomic<uint64_t>* cache = caches_.add();
      Label miss = a_.newLabel(), found = a_.newLabel();
      a_.mov(rsi, slot(args[0]));
      a_.test(rsi, rsi);
      a_.jz(slow);
      a_.mov(r8, uint64_t(uintptr_t(cache)));
      a_.mov(rax, qword_ptr(r8));
      a_.mov(rcx, rax);
      a_.shr(rcx, 32);
      a_.cmp(ecx, dword_ptr(rsi)); // the receiver's type index
      a_.jne(miss);
      a_.mov(eax, eax); // the method's function index
      a_.imul(rdx, rax, int32_t(sizeof(FunctionInfo)));
      a_.mov(rax, uint64_t(uintptr_t(program_.functions.data())));
      a_.add(rdx, rax);
      a_.jmp(found);
      a_.bind(miss);
      a_.mov(rdi, kContext);
      a_.mov(rdx, uint64_t(uintptr_t(fn_.registerTypes[args[0]]->cls)));
      a_.mov(ecx, pc[2]);
      a_.mov(rax, uint64_t(uintptr_t(&interfaceMethodCached)));
      a_.call(rax);
      a_.mov(rdx, rax);
      a_.bind(found);
      break;
    }
    default: // CALL_CLOSURE
      a_.mov(r11, slot(pc[2]));
      a_.test(r11, r11);
      a_.jz(slow);
      a_.mov(rdx, qword_ptr(r11, offsets::kClosureFunction));
      break;
    }
    // Compiled code for the callee (its entry into r11, a closure's once its cells are copied;
    // a call of this function itself goes straight to its start), and room for its frame below
    // the stack's soft limits, before anything is written there (the reservation has no guard
    // page). A CALL knows its callee's sizes.
    const FunctionInfo* known = op == Opcode::CALL ? &program_.functions[pc[2]] : nullptr;
    const bool self = known == &fn_;
    const Gp entry = op == Opcode::CALL_CLOSURE ? rax : r11; // r11 holds the closure
    if (!self) {
      a_.mov(rax, qword_ptr(kContext, offsets::kEntries));
      if (known) {
        a_.mov(entry, qword_ptr(rax, int32_t(known->index * sizeof(void*))));
      } else {
        a_.mov(ecx, dword_ptr(rdx, offsets::kFunctionIndex));
        a_.mov(entry, qword_ptr(rax, rcx, 3));
      }
      a_.test(entry, entry);
      a_.jz(slow);
    }
    a_.cmp(rsp, qword_ptr(kContext, offsets::kMachineStackLimit));
    a_.jb(slow);
    a_.lea(r9, qword_ptr(kRegisters, newBase)); // the callee's registers, then their end
    if (known) {
      a_.lea(r10, qword_ptr(r9, int32_t(known->registerCount * sizeof(Slot))));
    } else {
      a_.mov(r8d, dword_ptr(rdx, offsets::kFunctionRegisters));
      a_.lea(r10, qword_ptr(r9, r8, 3));
    }
    a_.mov(rax, qword_ptr(kContext, offsets::kStack));
    a_.cmp(r10, qword_ptr(rax, offsets::kStackSoftEnd));
    a_.ja(slow);
    a_.mov(rsi, qword_ptr(rax, offsets::kFramesTop));
    a_.cmp(rsi, qword_ptr(rax, offsets::kFramesSoftEnd));
    a_.jae(slow);
    // The arguments into the callee's first registers, after a closure's cells.
    a_.mov(rdi, r9);
    if (op == Opcode::CALL_CLOSURE) {
      Label loop = a_.newLabel(), copied = a_.newLabel();
      a_.xor_(ecx, ecx);
      a_.bind(loop);
      a_.cmp(rcx, qword_ptr(r11, offsets::kClosureCellCount));
      a_.jae(copied);
      a_.mov(rax, qword_ptr(r11, rcx, 3, offsets::kClosureCells));
      a_.mov(qword_ptr(rdi, rcx, 3), rax);
      a_.inc(rcx);
      a_.jmp(loop);
      a_.bind(copied);
      a_.lea(rdi, qword_ptr(rdi, rcx, 3));
    }
    for (uint32_t i = 0; i < argc; i++) {
      // Straight from a home that this sequence has left alone, else from the slot.
      const uint32_t r = args[i];
      const Home& home = homes_[r];
      const bool intact =
          !(states.invalid & bitOf(r)) && (home.xmm.isValid() || home.gp == rbx || home.gp == rbp);
      if (intact) {
        storeBitsTo(qword_ptr(rdi, int32_t(i * sizeof(Slot))), r);
      } else {
        a_.mov(rax, slot(r));
        a_.mov(qword_ptr(rdi, int32_t(i * sizeof(Slot))), rax);
      }
    }
    // Committed. The callee's registers past its parameters start as zero (vm/frame.h).
    if (known && known->registerCount - known->paramCount <= 16) {
      uint32_t r = known->paramCount;
      if (known->registerCount - r >= 2) a_.xorps(xmm0, xmm0);
      for (; r + 2 <= known->registerCount; r += 2)
        a_.movups(xmmword_ptr(r9, int32_t(r * sizeof(Slot))), xmm0);
      if (r < known->registerCount) a_.mov(qword_ptr(r9, int32_t(r * sizeof(Slot))), 0);
    } else {
      Label loop = a_.newLabel(), zeroed = a_.newLabel();
      a_.mov(ecx, dword_ptr(rdx, offsets::kFunctionParams));
      if (known) a_.mov(r8d, known->registerCount);
      a_.bind(loop);
      a_.cmp(ecx, r8d);
      a_.jae(zeroed);
      a_.mov(qword_ptr(r9, rcx, 3), 0);
      a_.inc(ecx);
      a_.jmp(loop);
      a_.bind(zeroed);
    }
    // Our pc at the call; the callee's record (its result register and kind in one word); the
    // stack's tops.
    static_assert(offsets::kFrameKind == offsets::kFrameResult + 4 &&
                  FrameKind::Call == FrameKind(0));
    a_.mov(rax, uint64_t(uintptr_t(pc)));
    a_.mov(rcx, kFrameRecord);
    a_.mov(qword_ptr(rcx, offsets::kFramePc), rax);
    a_.mov(qword_ptr(rsi, offsets::kFrameFunction), rdx);
    if (known) {
      a_.mov(rax, uint64_t(uintptr_t(known->code)));
    } else {
      a_.mov(rax, qword_ptr(rdx, offsets::kFunctionCode));
    }
    a_.mov(qword_ptr(rsi, offsets::kFramePc), rax);
    a_.mov(qword_ptr(rsi, offsets::kFrameRegisters), r9);
    if (pc[1] <= uint32_t(INT32_MAX)) { // a void call's result operand may be any number
      a_.mov(qword_ptr(rsi, offsets::kFrameResult), int32_t(pc[1])); // kind: FrameKind::Call
    } else {
      a_.mov(eax, pc[1]);
      a_.mov(qword_ptr(rsi, offsets::kFrameResult), rax);
    }
    a_.mov(rax, qword_ptr(kContext, offsets::kStack));
    a_.lea(rcx, qword_ptr(rsi, int32_t(sizeof(CallFrame))));
    a_.mov(qword_ptr(rax, offsets::kFramesTop), rcx);
    a_.mov(qword_ptr(rax, offsets::kStackTop), r10);
    // The callee's first instruction is a suspension point (the call is counted).
    Label check = a_.newLabel();
    a_.cmp(kCount, kCheckpoint);
    a_.jae(check);
    if (op == Opcode::CALL_CLOSURE) { // the entry again (checked above), now that r11 is free
      a_.mov(ecx, dword_ptr(rdx, offsets::kFunctionIndex));
      a_.mov(rax, qword_ptr(kContext, offsets::kEntries));
      a_.mov(r11, qword_ptr(rax, rcx, 3));
    }
    if (self)
      callCompiled(start_, pc[1], op, reload, r9);
    else
      callCompiled(r11, pc[1], op, reload, r9); // rsi: the callee's record
    a_.bind(done);
    cold_.push_back([this, check, done, result = pc[1], op, reload] {
      a_.bind(check);
      a_.mov(rcx, qword_ptr(kContext, offsets::kInstructions));
      a_.mov(qword_ptr(rcx), kCount);
      callRuntime(reinterpret_cast<const void*>(&checkLimitsFromCompiled));
      a_.test(al, al);
      a_.jz(bail_); // the callee's frame stands at its start, as the interpreter leaves it
      reloadCount(0);
      callInnermost(result, op, reload);
      a_.jmp(done);
    });
    cold_.push_back([this, slow, done, at, ahead, op, reload] {
      a_.bind(slow);
      step(at, ahead, op, HomeStates{0, ~0u}, reload); // stored above
      a_.jmp(done);
    });
  }

  // Runs the compiled code of the innermost frame (entered just now, at its start).
  void callInnermost(uint32_t result, Opcode op, HomeMask reload) {
    a_.mov(rax, qword_ptr(kContext, offsets::kStack));
    a_.mov(rsi, qword_ptr(rax, offsets::kFramesTop));
    a_.sub(rsi, int32_t(sizeof(CallFrame)));
    a_.mov(rdx, qword_ptr(rsi, offsets::kFrameFunction));
    a_.mov(ecx, dword_ptr(rdx, offsets::kFunctionIndex));
    a_.mov(rax, qword_ptr(kContext, offsets::kEntries));
    a_.mov(r11, qword_ptr(rax, rcx, 3));
    callCompiled(r11, result, op, reload);
  }

  // ---- Allocation ----
  struct SmallObject {
    uint32_t bytes = 0;
    uint32_t type = 0; // its header's type index
  };
  // NEW_OBJECT, NEW_CELL and NEW_CLOSURE of an object that gc::SmallBlocks holds.
  bool smallObject(uint32_t at, SmallObject& object) const {
    const uint32_t* pc = pcOf(at);
    switch (Opcode(pc[0])) {
    case Opcode::NEW_OBJECT: {
      const ClassInfo* cls = program_.types[pc[2]]->cls;
      object.bytes = uint32_t(sizeof(InstanceObject) + cls->fields.size() * sizeof(Slot));
      object.type = cls->typeIndex;
      break;
    }
    case Opcode::NEW_CELL:
      object.bytes = sizeof(CellObject);
      object.type = fn_.registerTypes[pc[1]]->index;
      break;
    case Opcode::NEW_CLOSURE:
      object.bytes = uint32_t(sizeof(ClosureObject) + pc[3] * sizeof(CellObject*));
      object.type = fn_.registerTypes[pc[1]]->index;
      break;
    default: return false;
    }
    return object.bytes <= gc::kSmallBlockBytes && object.type <= uint32_t(INT32_MAX);
  }

  // A small object taken from the isolate's free list, zeroed, counted as the interpreter
  // counts it (IsolateState::allocateSmall); an empty list, a heap limit or GC-stress mode take
  // the step, which refills the list.
  bool allocateInline(uint32_t at, uint32_t ahead) {
    SmallObject object;
    if (!smallObject(at, object)) return false;
    const uint32_t* pc = pcOf(at);
    Opcode op = Opcode(pc[0]);
    Label slow = a_.newLabel(), done = a_.newLabel();
    const int32_t list = offsets::kSmallBlockLists + int32_t(object.bytes / 8 * sizeof(void*));
    a_.mov(rdx, qword_ptr(kContext, offsets::kSmallBlocks));
    a_.test(rdx, rdx);
    a_.jz(slow);
    a_.mov(rax, qword_ptr(rdx, list));
    a_.test(rax, rax);
    a_.jz(slow);
    a_.mov(rcx, qword_ptr(rax)); // the next block
    a_.mov(qword_ptr(rdx, list), rcx);
    a_.mov(qword_ptr(rax), int32_t(object.type)); // the header: no identity hash yet
    uint32_t filled = sizeof(ObjectHeader);
    if (op == Opcode::NEW_CLOSURE) {
      a_.mov(rcx, uint64_t(uintptr_t(&program_.functions[pc[2]])));
      a_.mov(qword_ptr(rax, offsets::kClosureFunction), rcx);
      a_.mov(qword_ptr(rax, offsets::kClosureCellCount), int32_t(pc[3]));
      for (uint32_t i = 0; i < pc[3]; i++) {
        loadGp(rcx, pc[4 + i]);
        a_.mov(qword_ptr(rax, int32_t(offsets::kClosureCells + i * sizeof(void*))), rcx);
      }
      filled = object.bytes;
    }
    for (uint32_t offset = filled; offset < object.bytes; offset += 8)
      a_.mov(qword_ptr(rax, int32_t(offset)), 0);
    a_.mov(rcx, qword_ptr(kContext, offsets::kWork));
    a_.add(qword_ptr(rcx), int32_t(object.bytes));
    a_.mov(rcx, qword_ptr(kContext, offsets::kAllocations));
    a_.add(qword_ptr(rcx), 1);
    a_.mov(rcx, qword_ptr(kContext, offsets::kAllocatedBytes));
    a_.add(qword_ptr(rcx), int32_t(object.bytes));
    storeGp(pc[1], rax);
    a_.bind(done);
    cold_.push_back(
        [this, slow, done, at, ahead, op, states = statesNow(), reload = reloadToRejoin()] {
          a_.bind(slow);
          step(at, ahead, op, states, reload);
          a_.jmp(done);
        });
    return true;
  }

  // CALL_NATIVE of a class-library function that is a few machine instructions (Math.sqrt, abs,
  // min and max of ints, floor and ceil): computed here, exactly as the native computes it.
  // Returns false for any other native, which runs as a step.
  bool isInlineNative(uint32_t at) const {
    const uint32_t* pc = pcOf(at);
    if (program_.module->natives[pc[2]].isHost()) return false;
    switch (NativeId(program_.natives[pc[2]].id)) {
    case NativeId::math_sqrt:
    case NativeId::math_abs:
    case NativeId::float_abs:
    case NativeId::int_abs:
    case NativeId::math_min_int:
    case NativeId::math_max_int: return true;
    case NativeId::math_floor:
    case NativeId::float_floor:
    case NativeId::math_ceil:
    case NativeId::float_ceil: return CpuInfo::host().features().x86().hasSSE4_1(); // roundsd
    default: return false;
    }
  }
  bool inlineNative(uint32_t at) {
    if (!isInlineNative(at)) return false;
    const uint32_t* pc = pcOf(at);
    const uint32_t result = pc[1], x = pc[4], y = pc[3] > 1 ? pc[5] : 0;
    switch (NativeId(program_.natives[pc[2]].id)) {
    case NativeId::math_sqrt:
      loadXmm(xmm0, x);
      a_.sqrtsd(xmm0, xmm0); // correctly rounded, as std::sqrt
      storeXmm(result, xmm0);
      return true;
    case NativeId::math_abs:
    case NativeId::float_abs:
      loadBits(rax, x);
      a_.btr(rax, 63);
      storeBits(result, rax);
      return true;
    case NativeId::int_abs: // wraps for the smallest int, as the native does
      loadGp(rax, x);
      a_.mov(rcx, rax);
      a_.neg(rcx);
      a_.test(rax, rax);
      a_.cmovs(rax, rcx);
      storeGp(result, rax);
      return true;
    case NativeId::math_min_int:
    case NativeId::math_max_int:
      loadGp(rax, x);
      loadGp(rcx, y);
      a_.cmp(rax, rcx);
      if (NativeId(program_.natives[pc[2]].id) == NativeId::math_min_int)
        a_.cmovg(rax, rcx);
      else
        a_.cmovl(rax, rcx);
      storeGp(result, rax);
      return true;
    case NativeId::math_floor:
    case NativeId::float_floor:
    case NativeId::math_ceil:
    case NativeId::float_ceil: {
      NativeId id = NativeId(program_.natives[pc[2]].id);
      bool down = id == NativeId::math_floor || id == NativeId::float_floor;
      loadXmm(xmm0, x);
      a_.roundsd(xmm0, xmm0, imm(down ? 0x9 : 0xA)); // toward -inf / +inf, no inexact fault
      storeXmm(result, xmm0);
      return true;
    }
    default: return false; // not reached: isInlineNative
    }
  }

  void emitInstruction(uint32_t at, uint32_t ahead) {
    const uint32_t* pc = pcOf(at);
    Opcode op = Opcode(pc[0]);
    if (op == Opcode::CALL || op == Opcode::CALL_VIRTUAL || op == Opcode::CALL_INTERFACE ||
        op == Opcode::CALL_CLOSURE) {
      if (op == Opcode::CALL && inlineBody(at, ahead)) return;
      return inlineCall(at, ahead, op, statesNow(), reloadAfterCallOut());
    }
    if (op == Opcode::CALL_NATIVE && inlineNative(at)) return;
    if (allocateInline(at, ahead)) return;
    if (strategyFor(op) == Strategy::Step)
      return step(at, ahead, op, statesNow(), reloadAfterCallOut());
    switch (op) {
    case Opcode::NOP: break;
    case Opcode::MOVE:
      if (isFloat(pc[1])) {
        loadXmm(xmm0, pc[2]);
        storeXmm(pc[1], xmm0);
      } else if (homes_[pc[1]].gp.isValid()) {
        loadGp(homes_[pc[1]].gp, pc[2]);
      } else {
        storeGp(pc[1], gpIn(pc[2], rax));
      }
      break;
    case Opcode::LOAD_INT: storeImmediate(pc[1], int64_t(int32_t(pc[2]))); break;
    case Opcode::LOAD_BOOL: storeImmediate(pc[1], int64_t(pc[2] != 0)); break;
    case Opcode::LOAD_NULL: storeImmediate(pc[1], 0); break;
    case Opcode::LOAD_KINT:
      a_.mov(rax, program_.module->ints[pc[2]]);
      storeBits(pc[1], rax);
      break;
    case Opcode::LOAD_KFLOAT: {
      Slot value;
      value.f = program_.module->floats[pc[2]];
      a_.mov(rax, value.bits);
      storeBits(pc[1], rax);
      break;
    }
    case Opcode::LOAD_KSTR: // from the isolate's rooted table: code holds no object address
      a_.mov(rax, qword_ptr(kContext, offsets::kStringConstants));
      a_.mov(rax, qword_ptr(rax, int32_t(pc[2] * sizeof(void*))));
      storeGp(pc[1], rax);
      break;
    case Opcode::GET_GLOBAL:
      a_.mov(rax, qword_ptr(kContext, offsets::kGlobals));
      storeBitsFrom(pc[1], qword_ptr(rax, int32_t(pc[2] * sizeof(Slot))));
      break;
    case Opcode::SET_GLOBAL:
      a_.mov(rcx, qword_ptr(kContext, offsets::kGlobals));
      loadBits(rax, pc[2]);
      a_.mov(qword_ptr(rcx, int32_t(pc[1] * sizeof(Slot))), rax);
      break;
    case Opcode::ADD_INT:
    case Opcode::SUB_INT:
    case Opcode::MUL_INT:
    case Opcode::AND_INT:
    case Opcode::OR_INT:
    case Opcode::XOR_INT:
    case Opcode::SHL_INT:
    case Opcode::SHR_INT:
    case Opcode::USHR_INT: intBinary(at, op); break;
    case Opcode::DIV_INT: intDivision(at, ahead, false, false); break;
    case Opcode::MOD_INT: intDivision(at, ahead, true, false); break;
    case Opcode::DIV_INT_IMM: intDivision(at, ahead, false, true); break;
    case Opcode::MOD_INT_IMM: intDivision(at, ahead, true, true); break;
    case Opcode::ADD_INT_IMM: {
      Gp to = targetGp(pc[1]);
      loadGp(to, pc[2]);
      a_.add(to, int32_t(pc[3]));
      storeGp(pc[1], to);
      break;
    }
    case Opcode::MUL_INT_IMM: {
      Gp to = targetGp(pc[1]);
      a_.emit(Inst::kIdImul, to, gpSource(pc[2]), imm(int32_t(pc[3])));
      storeGp(pc[1], to);
      break;
    }
    case Opcode::NEG_INT:
      loadGp(rax, pc[2]);
      a_.neg(rax);
      storeGp(pc[1], rax);
      break;
    case Opcode::NOT_INT:
      loadGp(rax, pc[2]);
      a_.not_(rax);
      storeGp(pc[1], rax);
      break;
    case Opcode::ADD_FLOAT:
    case Opcode::SUB_FLOAT:
    case Opcode::MUL_FLOAT:
    case Opcode::DIV_FLOAT: floatBinary(at, op); break;
    case Opcode::NEG_FLOAT:
      loadBits(rax, pc[2]);
      a_.btc(rax, 63); // flips the sign bit, NaN and zeros included
      storeBits(pc[1], rax);
      break;
    case Opcode::INT_TO_FLOAT:
      a_.xorps(xmm0, xmm0); // cvtsi2sd writes only the low half
      a_.emit(Inst::kIdCvtsi2sd, xmm0, gpSource(pc[2]));
      storeXmm(pc[1], xmm0);
      break;
    case Opcode::EQ_INT:
    case Opcode::EQ_BOOL:
    case Opcode::EQ_REF: compareWords(at, CondCode::kEqual); break;
    case Opcode::NE_INT:
    case Opcode::NE_BOOL:
    case Opcode::NE_REF: compareWords(at, CondCode::kNotEqual); break;
    case Opcode::LT_INT: compareWords(at, CondCode::kSignedLT); break;
    case Opcode::LE_INT: compareWords(at, CondCode::kSignedLE); break;
    case Opcode::EQ_FLOAT:
    case Opcode::NE_FLOAT:
    case Opcode::LT_FLOAT:
    case Opcode::LE_FLOAT: compareFloats(at, op); break;
    case Opcode::EQ_STR:
    case Opcode::NE_STR: {
      // The strings from their slots (stored by the call out), the result through its slot.
      storeBeforeCallOut(statesNow(), at);
      a_.mov(rsi, slot(pc[2]));
      a_.mov(rdx, slot(pc[3]));
      callRuntime(reinterpret_cast<const void*>(&stringsEqualFromCompiled));
      if (op == Opcode::NE_STR) a_.xor_(eax, 1);
      a_.mov(slot(pc[1]), rax);
      // The work charged may be due a limit check at the next suspension point, as AFTER_WORK
      // has it in the interpreter: the checkpoint down to this instruction's count.
      Label noCheck = a_.newLabel();
      a_.mov(rcx, qword_ptr(kContext, offsets::kWork));
      a_.cmp(qword_ptr(rcx), int32_t(IsolateState::kWorkBetweenChecks));
      a_.jb(noCheck);
      a_.lea(kCheckpoint, qword_ptr(kCount, -int32_t(ahead)));
      a_.bind(noCheck);
      reloadHomes(reloadAfterCallOut());
      break;
    }
    case Opcode::NOT_BOOL:
      loadGp(rax, pc[2]);
      a_.test(rax, rax);
      a_.sete(al);
      a_.movzx(eax, al);
      storeGp(pc[1], rax);
      break;
    case Opcode::JMP: branch(at, int32_t(pc[1]), CondCode::kEqual, true); break;
    case Opcode::JMP_IF:
    case Opcode::JMP_IF_NOT:
      loadGp(rax, pc[1]);
      a_.test(rax, rax);
      branch(at, int32_t(pc[2]), op == Opcode::JMP_IF ? CondCode::kNotEqual : CondCode::kEqual,
             false);
      break;
    case Opcode::JLT_INT:
    case Opcode::JLE_INT:
    case Opcode::JGE_INT:
    case Opcode::JGT_INT:
    case Opcode::JEQ_INT:
    case Opcode::JNE_INT: {
      static const CondCode kConditions[] = {CondCode::kSignedLT, CondCode::kSignedLE,
                                             CondCode::kSignedGE, CondCode::kSignedGT,
                                             CondCode::kEqual,    CondCode::kNotEqual};
      compareGp(pc[1], pc[2]);
      branch(at, int32_t(pc[3]), kConditions[uint32_t(op) - uint32_t(Opcode::JLT_INT)], false);
      break;
    }
    case Opcode::LOOP_INT:
      if (homes_[pc[1]].gp.isValid()) {
        a_.add(homes_[pc[1]].gp, 1);
      } else {
        a_.add(slot(pc[1]), 1);
      }
      compareGp(pc[1], pc[2]);
      branch(at, int32_t(pc[3]), CondCode::kSignedLT, false);
      break;
    case Opcode::GET_FIELD: {
      Gp object = nonNull(pc[2], at, ahead);
      storeBitsFrom(pc[1],
                    qword_ptr(object, int32_t(offsets::kInstanceFields + pc[3] * sizeof(Slot))));
      break;
    }
    case Opcode::SET_FIELD: {
      Gp object = nonNull(pc[1], at, ahead);
      storeBitsTo(qword_ptr(object, int32_t(offsets::kInstanceFields + pc[2] * sizeof(Slot))),
                  pc[3]);
      break;
    }
    case Opcode::ARRAY_GET: storeBitsFrom(pc[1], element(pc[2], pc[3], at, ahead)); break;
    case Opcode::ARRAY_SET: storeBitsTo(element(pc[1], pc[2], at, ahead), pc[3]); break;
    case Opcode::ARRAY_LEN:
      storeBitsFrom(pc[1], qword_ptr(nonNull(pc[2], at, ahead), offsets::kArrayLength));
      break;
    case Opcode::CELL_GET:
      storeBitsFrom(pc[1], qword_ptr(nonNull(pc[2], at, ahead), offsets::kCellValue));
      break;
    case Opcode::CELL_SET:
      storeBitsTo(qword_ptr(nonNull(pc[1], at, ahead), offsets::kCellValue), pc[2]);
      break;
    case Opcode::RETURN: emitReturn(at, true); break;
    case Opcode::RETURN_VOID: emitReturn(at, false); break;
    default: break; // the steps, above
    }
  }
};

class ErrorCollector : public ErrorHandler {
public:
  void handleError(asmjit::Error, const char* message, BaseEmitter*) override {
    if (text.empty()) text = message;
  }
  std::string text;
};

} // namespace

bool emitFunction(const FunctionInfo& function, const LinkedCode& program,
                  const std::atomic<const void*>* entries, CallSiteCaches& caches, CodeHolder& code,
                  EmittedFunction& out, std::string& error) {
  ErrorCollector errors;
  code.setErrorHandler(&errors);
  Assembler a(&code);
  FunctionEmitter emitter(function, program, entries, caches, a);
  bool ok = emitter.emit(out);
  code.resetErrorHandler();
  if (!ok)
    error = "malformed code";
  else if (!errors.text.empty())
    error = errors.text;
  return ok && errors.text.empty();
}

bool emitTrampoline(CodeHolder& code, std::string& error) {
  ErrorCollector errors;
  code.setErrorHandler(&errors);
  Assembler a(&code);
  // rdi: Context*, rsi: code, rdx: registers, rcx: frame record. Six pushes and the return
  // address leave rsp 8 bytes off 16-byte alignment; 8 more make the call's rsp aligned.
  a.push(rbp);
  a.push(rbx);
  a.push(r12);
  a.push(r13);
  a.push(r14);
  a.push(r15);
  a.sub(rsp, 8);
  a.mov(kContext, rdi);
  a.mov(rax, qword_ptr(kContext, offsets::kInstructions));
  a.mov(kCount, qword_ptr(rax));
  a.mov(rax, qword_ptr(kContext, offsets::kCheckpoint));
  a.mov(kCheckpoint, qword_ptr(rax));
  a.mov(r11, rsi);
  a.mov(rdi, rdx);
  a.mov(rsi, rcx);
  a.call(r11);
  a.mov(rcx, qword_ptr(kContext, offsets::kInstructions));
  a.mov(qword_ptr(rcx), kCount);
  a.add(rsp, 8);
  a.pop(r15);
  a.pop(r14);
  a.pop(r13);
  a.pop(r12);
  a.pop(rbx);
  a.pop(rbp);
  a.ret();
  code.resetErrorHandler();
  error = errors.text;
  return error.empty();
}

} // namespace nuri::jit
