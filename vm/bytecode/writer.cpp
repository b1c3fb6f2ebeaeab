#include "vm/bytecode/writer.h"

#include <cstring>
#include <string>

#include "support/byte_codec.h"
#include "vm/bytecode/format.h"

namespace nuri {
namespace {

void section(Encoder& out, nbc::Section id, const Encoder& body) {
  out.u32(uint32_t(id));
  out.u32(uint32_t(body.bytes.size()));
  out.append(body);
}

} // namespace

std::vector<uint8_t> writeBytecode(const Module& m) {
  Encoder out;
  for (uint8_t b : nbc::kMagic)
    out.u8(b);
  out.u16(nbc::kVersionMajor);
  out.u16(nbc::kVersionMinor);

  Encoder meta;
  meta.str(m.sourceFile);
  meta.varint(m.files.size());
  for (const std::string& f : m.files)
    meta.str(f);
  meta.optionalIndex(m.initFunction);
  meta.optionalIndex(m.mainFunction);
  section(out, nbc::Section::Meta, meta);

  Encoder types;
  types.varint(m.types.size());
  for (const TypeEntry& t : m.types) {
    types.u8(uint8_t(t.kind));
    if (t.kind == TypeKind::Array || t.kind == TypeKind::Cell) types.varint(t.element);
    if (t.kind == TypeKind::Function) {
      types.varint(t.element);
      types.varint(t.params.size());
      for (uint32_t p : t.params)
        types.varint(p);
    }
    if (t.kind == TypeKind::Class) types.varint(t.classIndex);
  }
  section(out, nbc::Section::Types, types);

  Encoder constants;
  constants.varint(m.ints.size());
  for (int64_t v : m.ints)
    constants.svarint(v);
  constants.varint(m.floats.size());
  for (double v : m.floats)
    constants.f64(v);
  constants.varint(m.strings.size());
  for (const std::string& s : m.strings)
    constants.str(s);
  section(out, nbc::Section::Constants, constants);

  Encoder globals;
  globals.varint(m.globals.size());
  for (const GlobalEntry& g : m.globals) {
    globals.str(g.name);
    globals.varint(g.type);
  }
  section(out, nbc::Section::Globals, globals);

  Encoder classes;
  classes.varint(m.classes.size());
  for (const ClassEntry& c : m.classes) {
    classes.str(c.name);
    classes.u8(uint8_t((c.isInterface ? 1 : 0) | (c.isAbstract ? 2 : 0)));
    classes.optionalIndex(c.superclass);
    classes.varint(c.fields.size());
    for (const FieldEntry& f : c.fields) {
      classes.str(f.name);
      classes.varint(f.type);
      classes.u8(uint8_t((f.isPrivate ? 1 : 0) | (f.isLet ? 2 : 0) | (f.isPrivateSet ? 4 : 0) |
                         (f.isProtected ? 8 : 0)));
    }
    classes.varint(c.methods.size());
    for (uint32_t fn : c.methods)
      classes.varint(fn);
    classes.varint(c.interfaces.size());
    for (const InterfaceImpl& impl : c.interfaces) {
      classes.varint(impl.interfaceClass);
      classes.varint(impl.functions.size());
      for (uint32_t fn : impl.functions)
        classes.varint(fn);
    }
    classes.optionalIndex(c.initializer);
  }
  section(out, nbc::Section::Classes, classes);

  Encoder functions;
  functions.varint(m.functions.size());
  for (const FunctionEntry& f : m.functions) {
    functions.str(f.name);
    functions.optionalIndex(f.ownerClass);
    functions.varint(f.file);
    functions.u8(uint8_t((f.isPrivate ? 1 : 0) | (f.isAbstract ? 2 : 0) | (f.isStatic ? 4 : 0) |
                         (f.isProtected ? 8 : 0)));
    functions.varint(f.paramCount);
    functions.varint(f.returnType);
    functions.varint(f.registerTypes.size());
    for (uint32_t t : f.registerTypes)
      functions.varint(t);
    functions.varint(f.code.size());
    for (uint32_t w : f.code)
      functions.varint(w);
    functions.varint(f.lines.size());
    uint32_t pc = 0, line = 0;
    for (const LineEntry& l : f.lines) { // deltas keep the table small
      functions.varint(l.pc - pc);
      functions.svarint(int64_t(l.line) - int64_t(line));
      pc = l.pc;
      line = l.line;
    }
    functions.varint(f.locals.size());
    for (const LocalName& l : f.locals) {
      functions.str(l.name);
      functions.varint(l.reg);
    }
    functions.varint(f.handlers.size());
    for (const HandlerEntry& h : f.handlers) {
      functions.varint(h.start);
      functions.varint(h.end);
      functions.varint(h.target);
      functions.optionalIndex(h.catchClass);
      functions.varint(h.reg);
    }
  }
  section(out, nbc::Section::Functions, functions);

  Encoder natives;
  natives.varint(m.natives.size());
  for (const NativeImport& n : m.natives) {
    natives.str(n.module);
    natives.str(n.name);
    natives.str(n.signature.text());
  }
  section(out, nbc::Section::Natives, natives);
  return std::move(out.bytes);
}

} // namespace nuri
