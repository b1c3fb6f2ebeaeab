#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

constexpr uint32_t countOperands(OperandKind a, OperandKind b, OperandKind c, OperandKind d) {
  return (a != OperandKind::NONE) + (b != OperandKind::NONE) + (c != OperandKind::NONE) +
         (d != OperandKind::NONE);
}
constexpr bool hasArgs(OperandKind a, OperandKind b, OperandKind c, OperandKind d) {
  return a == OperandKind::ARGS || b == OperandKind::ARGS || c == OperandKind::ARGS ||
         d == OperandKind::ARGS;
}

using K = OperandKind;
constexpr OpcodeInfo kInfos[] = {
#define OP(name, flags, a, b, c, d)                                                                \
  {#name,                                                                                          \
   flags,                                                                                          \
   {K::a, K::b, K::c, K::d},                                                                       \
   countOperands(K::a, K::b, K::c, K::d),                                                          \
   hasArgs(K::a, K::b, K::c, K::d)},
#include "vm/bytecode/opcodes.def"
#undef OP
};
static_assert(sizeof(kInfos) / sizeof(kInfos[0]) == kOpcodeCount);

constexpr const char* kKindNames[] = {"none",           "int register",    "float register",
                                      "bool register",  "string register", "StringBuilder register",
                                      "array register", "object register", "reference register",
                                      "register",       "cell register",   "function register",
                                      "immediate",      "branch offset",   "int constant",
                                      "float constant", "string constant", "function",
                                      "native",         "global",          "type",
                                      "field",          "vtable slot",     "argument list"};
static_assert(sizeof(kKindNames) / sizeof(kKindNames[0]) == static_cast<int>(K::ARGS) + 1);

} // namespace

const OpcodeInfo& opcodeInfo(Opcode op) { return kInfos[static_cast<uint32_t>(op)]; }

const char* operandKindName(OperandKind kind) { return kKindNames[static_cast<int>(kind)]; }

FirstOperandUse firstOperandUse(Opcode op) {
  const OpcodeInfo& info = opcodeInfo(op);
  if (!isRegisterOperand(info.operands[0])) return FirstOperandUse::None;
  if (op == Opcode::LOOP_INT) return FirstOperandUse::ReadAndWritten;
  if (info.flags & F_READ_A) return FirstOperandUse::Read;
  if (info.flags & F_CALL) return FirstOperandUse::WrittenUnlessVoid;
  return FirstOperandUse::Written;
}

uint32_t instructionLength(const uint32_t* code, uint32_t available) {
  if (available == 0 || code[0] >= kOpcodeCount) return 0;
  const OpcodeInfo& info = kInfos[code[0]];
  uint32_t fixed = 1 + info.fixedOperandCount;
  if (fixed > available) return 0;
  if (!info.hasArgs) return fixed;
  uint64_t total = uint64_t(fixed) + code[fixed - 1]; // ARGS is always the last operand
  if (total > available) return 0;
  return static_cast<uint32_t>(total);
}

} // namespace nuri
