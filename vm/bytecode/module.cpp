// Queries of a module's tables shared by the verifier, the linker, the disassembler and tools.
#include "vm/bytecode/module.h"

#include "vm/bytecode/limits.h"

namespace nuri {

uint32_t Module::lineAt(uint32_t function, uint32_t pc) const {
  const auto& lines = functions[function].lines;
  uint32_t line = 0;
  for (const LineEntry& l : lines) {
    if (l.pc > pc) break;
    line = l.line;
  }
  return line;
}

std::string typeName(const Module& m, uint32_t type) {
  if (type >= m.types.size()) return "<bad type>";
  const TypeEntry& t = m.types[type];
  switch (t.kind) {
  case TypeKind::Void: return "void";
  case TypeKind::Int: return "int";
  case TypeKind::Float: return "float";
  case TypeKind::Bool: return "bool";
  case TypeKind::String: return "string";
  case TypeKind::StringBuilder: return "StringBuilder";
  case TypeKind::Array: return t.element < type ? typeName(m, t.element) + "[]" : "<bad array>";
  case TypeKind::Class:
    return t.classIndex < m.classes.size() ? m.classes[t.classIndex].name : "<bad class>";
  case TypeKind::Cell:
    return t.element < type ? "cell<" + typeName(m, t.element) + ">" : "<bad cell>";
  case TypeKind::Function: {
    std::string text = "(";
    for (size_t i = 0; i < t.params.size(); i++)
      text += (i ? ", " : "") + (t.params[i] < type ? typeName(m, t.params[i]) : "?");
    return text + ") -> " + (t.element < type ? typeName(m, t.element) : "?");
  }
  }
  return "?";
}

uint64_t typeNameBound(const Module& m, uint32_t type, const std::vector<uint64_t>& bounds) {
  const TypeEntry& t = m.types[type];
  // A built-in type's name is at most 13 bytes (`StringBuilder`); an array, cell or function
  // adds at most 6 to its element's (`cell<>`, `() -> `), and a parameter its name and `, `.
  uint64_t bound = t.kind == TypeKind::Class ? m.classes[t.classIndex].name.size() : 13;
  if (t.kind == TypeKind::Array || t.kind == TypeKind::Cell || t.kind == TypeKind::Function)
    bound = bounds[t.element] + 6;
  for (uint32_t p : t.params)
    bound += bounds[p] + 2;
  return bound;
}

std::vector<std::vector<LayoutSlot>> classLayouts(const Module& m) {
  std::vector<uint64_t> size(m.classes.size());
  uint64_t total = 0;
  for (size_t i = 0; i < m.classes.size(); i++) {
    const ClassEntry& c = m.classes[i];
    size[i] = (c.superclass < i ? size[c.superclass] : 0) + c.fields.size();
    total += size[i];
    if (total > nbc::kMaxLayoutFields) return {};
  }
  std::vector<std::vector<LayoutSlot>> layouts(m.classes.size());
  for (size_t i = 0; i < m.classes.size(); i++) {
    const ClassEntry& c = m.classes[i];
    if (c.superclass < i) layouts[i] = layouts[c.superclass];
    for (const FieldEntry& f : c.fields)
      layouts[i].push_back({&f, uint32_t(i)});
  }
  return layouts;
}

} // namespace nuri
