#include "jit/emitter.h"

#include <functional>
#include <set>

#include "jit/context.h"
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
  case Opcode::EQ_STR:
  case Opcode::NE_STR:
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

// The registers compiled code keeps for itself (docs/jit.md, "Calling convention"). The
// others are scratch: every C++ call may change them.
const Gp kContext = r12;    // Context*
const Gp kRegisters = r13;  // the frame's registers (its window of VM stack slots)
const Gp kCheckpoint = r14; // the instruction count at which limits are checked
const Gp kCount = r15;      // the instruction count (charged ahead per run of instructions)
const Gp kFrame = rbx;      // the frame's record (CallFrame*)

// What the machine stack holds in a compiled function, after its return address: the caller's
// kRegisters and kFrame, and 8 bytes that keep rsp 16-byte aligned for calls.
void emitPrologue(Assembler& a) {
  a.push(kRegisters);
  a.push(kFrame);
  a.sub(rsp, 8);
  a.mov(kRegisters, rdi);
  a.mov(kFrame, rsi);
}
void emitEpilogue(Assembler& a) {
  a.add(rsp, 8);
  a.pop(kFrame);
  a.pop(kRegisters);
  a.ret();
}

class FunctionEmitter {
public:
  FunctionEmitter(const FunctionInfo& fn, const LinkedCode& program, Assembler& a)
      : fn_(fn), program_(program), a_(a) {}

  bool emit(EmittedFunction& out) {
    if (!analyse()) return false;
    out.start = a_.newLabel();
    bail_ = a_.newLabel();
    for (uint32_t at : starts_)
      if (targets_.count(at)) labels_[at] = a_.newLabel();

    a_.bind(out.start);
    emitPrologue(a_);
    for (size_t k = 0; k < starts_.size(); k++) {
      uint32_t at = starts_[k];
      auto label = labels_.find(at);
      if (label != labels_.end()) a_.bind(label->second);
      if (charge_[k]) a_.add(kCount, int32_t(charge_[k]));
      if (Logger* logger = a_.code()->logger()) {
        logger->logf("; %u: %s\n", at, opcodeInfo(fn_.code[at]).name);
      }
      emitInstruction(at, ahead_[k]);
    }
    // Cold code: error paths, limit checks, loop entries.
    for (auto& stub : cold_)
      stub();
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
      a_.jmp(labels_.at(header));
      out.loops.emplace_back(header, entry);
    }
    out.instructionCount = uint32_t(starts_.size());
    return true;
  }

private:
  const FunctionInfo& fn_;
  const LinkedCode& program_;
  Assembler& a_;
  std::vector<uint32_t> starts_;   // each instruction's pc
  std::vector<uint32_t> charge_;   // instructions charged at each instruction (run start)
  std::vector<uint32_t> ahead_;    // instructions charged ahead when each one starts
  std::set<uint32_t> targets_;     // branch targets, handler targets, loop headers
  std::set<uint32_t> loopHeaders_; // targets of backward branches
  std::unordered_map<uint32_t, Label> labels_;
  std::vector<std::function<void()>> cold_;
  Label bail_;

  // Finds the instructions, the branch targets, and the runs of instructions whose count is
  // charged at once: a run ends at a branch, a call or a return and before a branch target, so
  // that at every suspension point the count is exact.
  bool analyse() {
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
        if (offset <= 0) loopHeaders_.insert(target);
      }
      at += length;
    }
    for (uint32_t h = 0; h < fn_.handlerCount; h++)
      targets_.insert(fn_.handlers[h].target);
    size_t n = starts_.size();
    charge_.assign(n, 0);
    ahead_.assign(n, 0);
    size_t runStart = 0;
    for (size_t k = 0; k < n; k++) {
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

  static Mem reg(uint32_t r) { return qword_ptr(kRegisters, int32_t(r * sizeof(Slot))); }
  const uint32_t* pcOf(uint32_t at) const { return fn_.code + at; }

  // Stores what a C++ call reads: the frame's pc (at `at`) and the count before the instruction
  // (the run's count less the `ahead` instructions charged for it and those after it).
  void saveState(uint32_t at, uint32_t ahead) {
    a_.mov(rax, uint64_t(uintptr_t(pcOf(at))));
    a_.mov(qword_ptr(kFrame, offsets::kFramePc), rax);
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
    cold_.push_back([this, stub, at, ahead] {
      a_.bind(stub);
      saveState(at, ahead);
      callRuntime(reinterpret_cast<const void*>(&raiseFromCompiled));
      a_.jmp(bail_);
    });
    return stub;
  }

  // A branch to `target` from the instruction at `at`, taken when `cc` holds (an unconditional
  // one for CondCode::kMaxValue). A backward branch checks the limits as the interpreter does.
  void branch(uint32_t at, int32_t offset, CondCode cc, bool always) {
    uint32_t target = uint32_t(int64_t(at) + offset);
    Label to = labels_.at(target);
    if (offset > 0) {
      if (always)
        a_.jmp(to);
      else
        a_.j(cc, to);
      return;
    }
    Label skip = a_.newLabel();
    if (!always) a_.j(negateCond(cc), skip);
    Label check = a_.newLabel(), back = a_.newLabel();
    a_.cmp(kCount, kCheckpoint);
    a_.jae(check);
    a_.bind(back);
    a_.jmp(to);
    a_.bind(skip);
    cold_.push_back([this, check, back, target] {
      a_.bind(check);
      saveState(target, 0); // the count includes the branch, as the interpreter's does
      callRuntime(reinterpret_cast<const void*>(&checkLimitsFromCompiled));
      a_.test(al, al);
      a_.jz(bail_);
      reloadCount(0);
      a_.jmp(back);
    });
  }

  void intBinary(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    a_.mov(rax, reg(pc[2]));
    switch (op) {
    case Opcode::ADD_INT: a_.add(rax, reg(pc[3])); break;
    case Opcode::SUB_INT: a_.sub(rax, reg(pc[3])); break;
    case Opcode::MUL_INT: a_.imul(rax, reg(pc[3])); break;
    case Opcode::AND_INT: a_.and_(rax, reg(pc[3])); break;
    case Opcode::OR_INT: a_.or_(rax, reg(pc[3])); break;
    case Opcode::XOR_INT: a_.xor_(rax, reg(pc[3])); break;
    case Opcode::SHL_INT:
      a_.mov(rcx, reg(pc[3]));
      a_.shl(rax, cl); // the machine takes the count mod 64, as Nuri does
      break;
    case Opcode::SHR_INT:
      a_.mov(rcx, reg(pc[3]));
      a_.sar(rax, cl);
      break;
    case Opcode::USHR_INT:
      a_.mov(rcx, reg(pc[3]));
      a_.shr(rax, cl);
      break;
    default: break;
    }
    a_.mov(reg(pc[1]), rax);
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

  void intDivision(uint32_t at, uint32_t ahead, bool remainder, bool immediate) {
    const uint32_t* pc = pcOf(at);
    a_.mov(rax, reg(pc[2]));
    Label done = a_.newLabel();
    if (immediate) {
      int32_t y = int32_t(pc[3]);
      if (y == 0) {
        a_.jmp(failure(at, ahead));
        return;
      }
      if (y == -1) {
        if (remainder)
          a_.xor_(eax, eax);
        else
          a_.neg(rax);
      } else {
        a_.mov(rcx, int64_t(y));
        divide(remainder);
      }
    } else {
      a_.mov(rcx, reg(pc[3]));
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
    a_.mov(reg(pc[1]), rax);
  }

  void floatBinary(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    a_.movsd(xmm0, reg(pc[2]));
    switch (op) {
    case Opcode::ADD_FLOAT: a_.addsd(xmm0, reg(pc[3])); break;
    case Opcode::SUB_FLOAT: a_.subsd(xmm0, reg(pc[3])); break;
    case Opcode::MUL_FLOAT: a_.mulsd(xmm0, reg(pc[3])); break;
    case Opcode::DIV_FLOAT: a_.divsd(xmm0, reg(pc[3])); break;
    default: break;
    }
    a_.movsd(reg(pc[1]), xmm0);
  }

  // R[A] := (R[B] cc R[C]) for 8-byte integers, booleans and references.
  void compareWords(uint32_t at, CondCode cc) {
    const uint32_t* pc = pcOf(at);
    a_.mov(rax, reg(pc[2]));
    a_.cmp(rax, reg(pc[3]));
    a_.set(cc, al);
    a_.movzx(eax, al);
    a_.mov(reg(pc[1]), rax);
  }

  // Float comparisons are false when either side is NaN (and != true).
  void compareFloats(uint32_t at, Opcode op) {
    const uint32_t* pc = pcOf(at);
    switch (op) {
    case Opcode::EQ_FLOAT:
    case Opcode::NE_FLOAT:
      a_.movsd(xmm0, reg(pc[2]));
      a_.ucomisd(xmm0, reg(pc[3]));
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
      a_.movsd(xmm0, reg(pc[3]));
      a_.ucomisd(xmm0, reg(pc[2]));
      if (op == Opcode::LT_FLOAT)
        a_.seta(al);
      else
        a_.setae(al);
      break;
    }
    a_.movzx(eax, al);
    a_.mov(reg(pc[1]), rax);
  }

  // Loads the object in register r into rax, jumping to the instruction's error when null.
  void loadNonNull(uint32_t r, uint32_t at, uint32_t ahead) {
    a_.mov(rax, reg(r));
    a_.test(rax, rax);
    a_.jz(failure(at, ahead));
  }

  // The array in register `array` into rax and the checked index into rcx.
  void checkedIndex(uint32_t array, uint32_t index, uint32_t at, uint32_t ahead) {
    loadNonNull(array, at, ahead);
    a_.mov(rcx, reg(index));
    a_.cmp(rcx, qword_ptr(rax, offsets::kArrayLength));
    a_.jae(failure(at, ahead)); // unsigned: a negative index is huge
  }

  void emitReturn(uint32_t at, bool hasValue) {
    const uint32_t* pc = pcOf(at);
    if (hasValue)
      a_.mov(rax, reg(pc[1]));
    else
      a_.xor_(eax, eax);
    a_.mov(rcx, qword_ptr(kContext, offsets::kStack));
    a_.sub(qword_ptr(rcx, offsets::kFramesTop), int32_t(sizeof(CallFrame)));
    a_.mov(qword_ptr(rcx, offsets::kStackTop), kRegisters);
    a_.mov(edx, uint32_t(hasValue ? kTierReturned : kTierReturnedVoid));
    emitEpilogue(a_);
  }

  // An instruction run by the interpreter's step. For one that may enter a frame (a call, the
  // text of an object with toString), compiled code then runs that frame: from its compiled
  // code, or by stopping so that the interpreter runs it.
  void step(uint32_t at, uint32_t ahead, Opcode op) {
    saveState(at, ahead);
    callRuntime(reinterpret_cast<const void*>(&stepFromCompiled));
    a_.test(al, al);
    a_.jz(bail_);
    reloadCount(ahead - 1);
    if (!(opcodeInfo(op).flags & F_CALL) || op == Opcode::CALL_NATIVE) return;
    const uint32_t* pc = pcOf(at);
    Label done = a_.newLabel();
    // The frame innermost after the step: this one (no call was made) or the callee's.
    a_.mov(rax, qword_ptr(kContext, offsets::kStack));
    a_.mov(rsi, qword_ptr(rax, offsets::kFramesTop));
    a_.sub(rsi, int32_t(sizeof(CallFrame)));
    a_.cmp(rsi, kFrame);
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
    a_.mov(rdi, qword_ptr(rsi, offsets::kFrameRegisters));
    a_.call(r11);
    a_.cmp(edx, uint32_t(kTierStopped));
    a_.je(bail_);                   // our pc stands at the call, as the callee's return expects
    a_.ja(done);                    // a void function returned
    if (op == Opcode::TO_STR_REF) { // a toString that returned null reads as "null"
      Label text = a_.newLabel();
      a_.test(rax, rax);
      a_.jnz(text);
      a_.mov(rax, qword_ptr(kContext, offsets::kNullText));
      a_.bind(text);
    }
    a_.mov(reg(pc[1]), rax);
    a_.bind(done);
  }

  void emitInstruction(uint32_t at, uint32_t ahead) {
    const uint32_t* pc = pcOf(at);
    Opcode op = Opcode(pc[0]);
    if (strategyFor(op) == Strategy::Step) return step(at, ahead, op);
    switch (op) {
    case Opcode::NOP: break;
    case Opcode::MOVE:
      a_.mov(rax, reg(pc[2]));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::LOAD_INT:
    case Opcode::LOAD_BOOL: {
      int64_t value = op == Opcode::LOAD_INT ? int64_t(int32_t(pc[2])) : int64_t(pc[2] != 0);
      a_.mov(reg(pc[1]), imm(value)); // sign-extended from 32 bits
      break;
    }
    case Opcode::LOAD_KINT:
      a_.mov(rax, program_.module->ints[pc[2]]);
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::LOAD_KFLOAT: {
      Slot value;
      value.f = program_.module->floats[pc[2]];
      a_.mov(rax, value.bits);
      a_.mov(reg(pc[1]), rax);
      break;
    }
    case Opcode::LOAD_KSTR: // from the isolate's rooted table: code holds no object address
      a_.mov(rax, qword_ptr(kContext, offsets::kStringConstants));
      a_.mov(rax, qword_ptr(rax, int32_t(pc[2] * sizeof(void*))));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::LOAD_NULL: a_.mov(reg(pc[1]), imm(0)); break;
    case Opcode::GET_GLOBAL:
      a_.mov(rax, qword_ptr(kContext, offsets::kGlobals));
      a_.mov(rax, qword_ptr(rax, int32_t(pc[2] * sizeof(Slot))));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::SET_GLOBAL:
      a_.mov(rcx, qword_ptr(kContext, offsets::kGlobals));
      a_.mov(rax, reg(pc[2]));
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
    case Opcode::ADD_INT_IMM:
      a_.mov(rax, reg(pc[2]));
      a_.add(rax, int32_t(pc[3]));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::MUL_INT_IMM:
      a_.imul(rax, reg(pc[2]), int32_t(pc[3]));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::NEG_INT:
      a_.mov(rax, reg(pc[2]));
      a_.neg(rax);
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::NOT_INT:
      a_.mov(rax, reg(pc[2]));
      a_.not_(rax);
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::ADD_FLOAT:
    case Opcode::SUB_FLOAT:
    case Opcode::MUL_FLOAT:
    case Opcode::DIV_FLOAT: floatBinary(at, op); break;
    case Opcode::NEG_FLOAT:
      a_.mov(rax, reg(pc[2]));
      a_.btc(rax, 63); // flips the sign bit, NaN and zeros included
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::INT_TO_FLOAT:
      a_.xorps(xmm0, xmm0); // cvtsi2sd writes only the low half
      a_.cvtsi2sd(xmm0, reg(pc[2]));
      a_.movsd(reg(pc[1]), xmm0);
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
    case Opcode::NOT_BOOL:
      a_.cmp(reg(pc[2]), 0);
      a_.sete(al);
      a_.movzx(eax, al);
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::JMP: branch(at, int32_t(pc[1]), CondCode::kEqual, true); break;
    case Opcode::JMP_IF:
    case Opcode::JMP_IF_NOT:
      a_.cmp(reg(pc[1]), 0);
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
      a_.mov(rax, reg(pc[1]));
      a_.cmp(rax, reg(pc[2]));
      branch(at, int32_t(pc[3]), kConditions[uint32_t(op) - uint32_t(Opcode::JLT_INT)], false);
      break;
    }
    case Opcode::LOOP_INT:
      a_.mov(rax, reg(pc[1]));
      a_.add(rax, 1);
      a_.mov(reg(pc[1]), rax);
      a_.cmp(rax, reg(pc[2]));
      branch(at, int32_t(pc[3]), CondCode::kSignedLT, false);
      break;
    case Opcode::GET_FIELD:
      loadNonNull(pc[2], at, ahead);
      a_.mov(rax, qword_ptr(rax, int32_t(offsets::kInstanceFields + pc[3] * sizeof(Slot))));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::SET_FIELD:
      loadNonNull(pc[1], at, ahead);
      a_.mov(rcx, reg(pc[3]));
      a_.mov(qword_ptr(rax, int32_t(offsets::kInstanceFields + pc[2] * sizeof(Slot))), rcx);
      break;
    case Opcode::ARRAY_GET:
      checkedIndex(pc[2], pc[3], at, ahead);
      a_.mov(rax, qword_ptr(rax, rcx, 3, offsets::kArrayElements));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::ARRAY_SET:
      checkedIndex(pc[1], pc[2], at, ahead);
      a_.mov(rdx, reg(pc[3]));
      a_.mov(qword_ptr(rax, rcx, 3, offsets::kArrayElements), rdx);
      break;
    case Opcode::ARRAY_LEN:
      loadNonNull(pc[2], at, ahead);
      a_.mov(rax, qword_ptr(rax, offsets::kArrayLength));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::CELL_GET:
      loadNonNull(pc[2], at, ahead);
      a_.mov(rax, qword_ptr(rax, offsets::kCellValue));
      a_.mov(reg(pc[1]), rax);
      break;
    case Opcode::CELL_SET:
      loadNonNull(pc[1], at, ahead);
      a_.mov(rcx, reg(pc[2]));
      a_.mov(qword_ptr(rax, offsets::kCellValue), rcx);
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

bool emitFunction(const FunctionInfo& function, const LinkedCode& program, CodeHolder& code,
                  EmittedFunction& out, std::string& error) {
  ErrorCollector errors;
  code.setErrorHandler(&errors);
  Assembler a(&code);
  FunctionEmitter emitter(function, program, a);
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
