#include "vm/bytecode/disasm.h"

#include <cstdio>

#include "support/number_format.h"
#include "vm/bytecode/opcodes.h"

namespace nuri {
namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += "?";
    else
      out += c;
  }
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out + "\"";
}

class Disassembler {
public:
  explicit Disassembler(const Module& m) : m_(m), layouts_(classLayouts(m)) {}

  std::string run() {
    line("module " + m_.sourceFile);
    if (!m_.globals.empty()) {
      line("globals:");
      for (size_t i = 0; i < m_.globals.size(); i++) {
        line("  g" + std::to_string(i) + " " + m_.globals[i].name + ": " +
             typeName(m_, m_.globals[i].type));
      }
    }
    for (const ClassEntry& c : m_.classes) {
      std::string text = std::string(c.isAbstract ? "abstract " : "") + "class " + c.name + " {";
      for (size_t i = 0; i < c.fields.size(); i++) {
        const FieldEntry& f = c.fields[i];
        text += (i ? ", " : " ") + std::string(f.isPrivate ? "private " : "") +
                (f.isProtected ? "protected " : "") + (f.isLet ? "let " : "var ") + f.name + ": " +
                typeName(m_, f.type);
      }
      line(text + " }");
    }
    for (size_t i = 0; i < m_.functions.size(); i++)
      function(uint32_t(i));
    return out_;
  }

  std::string runFunction(uint32_t index) {
    function(index);
    return out_;
  }

private:
  const Module& m_;
  const std::vector<std::vector<LayoutSlot>> layouts_;
  std::string out_;

  void line(const std::string& text) { out_ += text + "\n"; }

  std::string reg(const FunctionEntry& f, uint32_t r) {
    std::string text = "r" + std::to_string(r);
    (void)f;
    return text;
  }

  std::string functionName(uint32_t index) {
    return index < m_.functions.size() ? m_.functions[index].name : "<bad function>";
  }

  void function(uint32_t index) {
    const FunctionEntry& f = m_.functions[index];
    std::string header =
        std::string(f.isProtected ? "\nprotected " : "\n") + "function " + f.name + "(";
    for (uint32_t p = 0; p < f.paramCount && p < f.registerTypes.size(); p++) {
      header += (p ? ", r" : "r") + std::to_string(p);
    }
    header += "): " + typeName(m_, f.returnType);
    if (index == m_.initFunction) header += "    ; module initialiser";
    if (index == m_.mainFunction) header += "    ; entry point";
    line(header);
    std::string regs = "  registers:";
    for (size_t r = 0; r < f.registerTypes.size(); r++) {
      std::string name;
      for (const LocalName& l : f.locals) {
        if (l.reg == r) name = " " + l.name;
      }
      regs += " r" + std::to_string(r) + ":" + typeName(m_, f.registerTypes[r]) + name + ";";
    }
    if (f.registerTypes.empty()) regs += " none";
    line(regs);
    uint32_t pc = 0;
    while (pc < f.code.size()) {
      uint32_t length = instructionLength(&f.code[pc], uint32_t(f.code.size() - pc));
      if (length == 0) {
        line("  " + std::to_string(pc) + "  <malformed instruction>");
        return;
      }
      line(instruction(f, index, pc));
      pc += length;
    }
  }

  std::string instruction(const FunctionEntry& f, uint32_t index, uint32_t pc) {
    const uint32_t* code = &f.code[pc];
    const OpcodeInfo& info = opcodeInfo(code[0]);
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "  %5u  %5u  %-16s", pc, m_.lineAt(index, pc), info.name);
    std::string text = prefix;
    uint32_t lastObjectReg = kNoIndex;
    for (size_t i = 0; i < 4 && info.operands[i] != OperandKind::NONE; i++) {
      uint32_t v = code[1 + i];
      std::string operand;
      switch (info.operands[i]) {
      case OperandKind::IMM: operand = std::to_string(int32_t(v)); break;
      case OperandKind::JMP: operand = "-> " + std::to_string(int64_t(pc) + int32_t(v)); break;
      case OperandKind::KI:
        operand = v < m_.ints.size() ? std::to_string(m_.ints[v]) : "<bad constant>";
        break;
      case OperandKind::KF:
        operand = v < m_.floats.size() ? formatFloat(m_.floats[v]) : "<bad constant>";
        break;
      case OperandKind::KS:
        operand = v < m_.strings.size() ? quote(m_.strings[v]) : "<bad constant>";
        break;
      case OperandKind::FN: operand = functionName(v); break;
      case OperandKind::NAT:
        operand =
            v < m_.natives.size() ? "native " + m_.natives[v].qualifiedName() : "<bad native>";
        break;
      case OperandKind::GLB:
        operand = v < m_.globals.size() ? "global " + m_.globals[v].name : "<bad global>";
        break;
      case OperandKind::TY: operand = typeName(m_, v); break;
      case OperandKind::FLD: {
        operand = "field " + std::to_string(v);
        if (lastObjectReg < f.registerTypes.size()) {
          uint32_t t = f.registerTypes[lastObjectReg];
          if (t < m_.types.size() && m_.types[t].kind == TypeKind::Class &&
              m_.types[t].classIndex < layouts_.size() &&
              v < layouts_[m_.types[t].classIndex].size()) {
            operand = "." + layouts_[m_.types[t].classIndex][v].field->name;
          }
        }
        break;
      }
      case OperandKind::VT: operand = "vtable[" + std::to_string(v) + "]"; break;
      case OperandKind::ARGS: {
        operand = "(";
        for (uint32_t a = 0; a < v; a++) {
          operand += (a ? ", r" : "r") + std::to_string(code[2 + i + a]);
        }
        operand += ")";
        break;
      }
      default:
        operand = reg(f, v);
        if (info.operands[i] == OperandKind::RO) lastObjectReg = v;
        break;
      }
      text += (i ? ", " : " ") + operand;
      if (info.operands[i] == OperandKind::ARGS) break;
    }
    return text;
  }
};

} // namespace

std::string disassemble(const Module& module) { return Disassembler(module).run(); }

std::string disassembleFunction(const Module& module, uint32_t function) {
  return Disassembler(module).runFunction(function);
}

} // namespace nuri
