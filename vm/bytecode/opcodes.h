// Opcodes and their operand tables, generated from opcodes.def.
#pragma once

#include <cstdint>

namespace nuri {

enum class OperandKind : uint8_t {
  NONE,
  RI,
  RF,
  RB,
  RS,
  RSB,
  RA,
  RO,
  RR,
  RV,
  RC,
  RFN,
  IMM,
  JMP,
  KI,
  KF,
  KS,
  FN,
  NAT,
  GLB,
  TY,
  FLD,
  VT,
  ARGS
};

enum OpFlags : uint32_t {
  F_BRANCH = 1u << 0,
  F_TERM = 1u << 1,
  F_THROW = 1u << 2,
  F_ALLOC = 1u << 3,
  F_CALL = 1u << 4,
  F_BACK = 1u << 5,
  F_READ_A = 1u << 6,
};

enum class Opcode : uint32_t {
#define OP(name, flags, a, b, c, d) name,
#include "vm/bytecode/opcodes.def"
#undef OP
};

constexpr uint32_t kOpcodeCount = 0
#define OP(name, flags, a, b, c, d) +1
#include "vm/bytecode/opcodes.def"
#undef OP
    ;

struct OpcodeInfo {
  const char* name;
  uint32_t flags;
  OperandKind operands[4];
  uint32_t fixedOperandCount; // operands before ARGS's register list (ARGS counts as one: its N)
  bool hasArgs;
};

const OpcodeInfo& opcodeInfo(Opcode op);
inline const OpcodeInfo& opcodeInfo(uint32_t op) { return opcodeInfo(static_cast<Opcode>(op)); }
const char* operandKindName(OperandKind kind);

constexpr bool isRegisterOperand(OperandKind kind) {
  return kind >= OperandKind::RI && kind <= OperandKind::RFN;
}

// What an instruction does with its first operand, when that is a register (opcodes.def).
enum class FirstOperandUse : uint8_t {
  None,              // not a register
  Read,              // a store's object, a branch's condition, a returned value
  Written,           // R[A] := ...
  ReadAndWritten,    // LOOP_INT's counter
  WrittenUnlessVoid, // a call's result: left alone when the callee returns nothing
};
FirstOperandUse firstOperandUse(Opcode op);

// Length in words of the instruction starting at code[0]; code must hold at least the fixed part.
// Returns 0 if the instruction does not fit in `available` words.
uint32_t instructionLength(const uint32_t* code, uint32_t available);

} // namespace nuri
