#include "vm/bytecode/reader.h"

#include <cstring>

#include "support/byte_codec.h"
#include "support/utf8.h"
#include "vm/bytecode/format.h"

namespace nuri {
namespace {

static_assert(Decoder::kMaxStringBytes == nbc::kMaxStringBytes);

Module decode(const uint8_t* data, size_t size) {
  if (size > nbc::kMaxFileBytes) fail("file is larger than the 256 MB limit for bytecode");
  Decoder file(data, size, "header");
  if (size < sizeof nbc::kMagic || std::memcmp(data, nbc::kMagic, sizeof nbc::kMagic) != 0) {
    fail("not a Nuri bytecode file (bad magic number)");
  }
  for (size_t i = 0; i < sizeof nbc::kMagic; i++)
    file.u8();
  uint16_t major = file.u16();
  uint16_t minor = file.u16();
  // Before 1.0 every minor version changes the format: read only this VM's own.
  if (major != nbc::kVersionMajor || minor != nbc::kVersionMinor) {
    fail("unsupported bytecode version " + std::to_string(major) + "." + std::to_string(minor) +
         " (this VM reads " + std::to_string(nbc::kVersionMajor) + "." +
         std::to_string(nbc::kVersionMinor) + "; rebuild the program with `nuri build`)");
  }
  Module m;
  static const char* const kNames[] = {"",        "meta",    "types",     "constants",
                                       "globals", "classes", "functions", "natives"};
  auto open = [&](nbc::Section id) {
    uint32_t got = file.u32();
    if (got != uint32_t(id)) {
      fail("expected section " + std::string(kNames[uint32_t(id)]) + " (id " +
           std::to_string(uint32_t(id)) + "), found id " + std::to_string(got));
    }
    uint32_t length = file.u32();
    if (length > file.remaining()) {
      fail(std::string(kNames[uint32_t(id)]) + " section: length " + std::to_string(length) +
           " runs past the end of the file");
    }
    return file.sub(length, std::string(kNames[uint32_t(id)]) + " section");
  };

  Decoder meta = open(nbc::Section::Meta);
  m.sourceFile = meta.name("source file name");
  m.files.resize(meta.count("file name"));
  for (std::string& f : m.files)
    f = meta.name("file name");
  m.initFunction = meta.optionalIndex();
  m.mainFunction = meta.optionalIndex();
  meta.expectEnd();

  Decoder types = open(nbc::Section::Types);
  uint32_t typeCount = types.count("type");
  m.types.resize(typeCount);
  for (TypeEntry& t : m.types) {
    uint8_t kind = types.u8();
    if (kind >= kTypeKindCount) fail("types section: unknown type kind " + std::to_string(kind));
    t.kind = TypeKind(kind);
    if (t.kind == TypeKind::Array || t.kind == TypeKind::Cell) t.element = types.varint();
    if (t.kind == TypeKind::Function) {
      t.element = types.varint();
      t.params.resize(types.count("function parameter"));
      for (uint32_t& p : t.params)
        p = types.varint();
    }
    if (t.kind == TypeKind::Class) t.classIndex = types.varint();
  }
  types.expectEnd();

  Decoder constants = open(nbc::Section::Constants);
  m.ints.resize(constants.count("int constant"));
  for (int64_t& v : m.ints)
    v = constants.svarint();
  m.floats.resize(constants.count("float constant", 8));
  for (double& v : m.floats)
    v = constants.f64();
  m.strings.resize(constants.count("string constant"));
  for (std::string& s : m.strings)
    s = constants.str("string constant");
  constants.expectEnd();

  Decoder globals = open(nbc::Section::Globals);
  m.globals.resize(globals.count("global", 2));
  for (GlobalEntry& g : m.globals) {
    g.name = globals.name("global name");
    g.type = globals.varint();
  }
  globals.expectEnd();

  Decoder classes = open(nbc::Section::Classes);
  m.classes.resize(classes.count("class", 4));
  for (ClassEntry& c : m.classes) {
    c.name = classes.name("class name");
    uint8_t classFlags = classes.u8();
    if (classFlags > 2) fail("classes section: bad flags in class " + c.name); // 3: both
    c.isInterface = classFlags & 1;
    c.isAbstract = classFlags & 2;
    c.superclass = classes.optionalIndex();
    c.fields.resize(classes.count("field", 3));
    for (FieldEntry& f : c.fields) {
      f.name = classes.name("field name");
      f.type = classes.varint();
      uint8_t flags = classes.u8();
      if (flags > 15 || (flags & 9) == 9)
        fail("classes section: bad field flags in class " + c.name);
      f.isPrivate = flags & 1;
      f.isLet = flags & 2;
      f.isPrivateSet = flags & 4;
      f.isProtected = flags & 8;
    }
    c.methods.resize(classes.count("method"));
    for (uint32_t& fn : c.methods)
      fn = classes.varint();
    c.interfaces.resize(classes.count("interface", 2));
    for (InterfaceImpl& impl : c.interfaces) {
      impl.interfaceClass = classes.varint();
      impl.functions.resize(classes.count("interface method"));
      for (uint32_t& fn : impl.functions)
        fn = classes.varint();
    }
    c.initializer = classes.optionalIndex();
  }
  classes.expectEnd();

  Decoder functions = open(nbc::Section::Functions);
  m.functions.resize(functions.count("function", 8));
  for (FunctionEntry& f : m.functions) {
    f.name = functions.name("function name");
    f.ownerClass = functions.optionalIndex();
    f.file = functions.varint();
    uint8_t flags = functions.u8();
    if (flags > 15 || (flags & 9) == 9) fail("functions section: bad flags in function " + f.name);
    f.isPrivate = flags & 1;
    f.isAbstract = flags & 2;
    f.isStatic = flags & 4;
    f.isProtected = flags & 8;
    f.paramCount = functions.varint();
    f.returnType = functions.varint();
    uint32_t registers = functions.count("register");
    if (registers > nbc::kMaxRegisters) {
      fail("function " + f.name + ": " + std::to_string(registers) + " registers (limit " +
           std::to_string(nbc::kMaxRegisters) + ")");
    }
    f.registerTypes.resize(registers);
    for (uint32_t& t : f.registerTypes)
      t = functions.varint();
    f.code.resize(functions.count("code word"));
    for (uint32_t& w : f.code)
      w = functions.varint();
    f.lines.resize(functions.count("line entry", 2));
    int64_t pc = 0, line = 0;
    for (LineEntry& l : f.lines) {
      pc += functions.varint();
      int64_t delta = functions.svarint();
      // Compared before adding, so a huge delta cannot overflow the sum.
      if (pc > int64_t(f.code.size())) fail("function " + f.name + ": bad line table");
      if (delta < -line || delta > 0xFFFFFFFF - line) {
        fail("function " + f.name + ": a line number in the line table is out of range");
      }
      line += delta;
      l.pc = uint32_t(pc);
      l.line = uint32_t(line);
    }
    f.locals.resize(functions.count("local name", 2));
    for (LocalName& l : f.locals) {
      l.name = functions.name("local name");
      l.reg = functions.varint();
    }
    f.handlers.resize(functions.count("handler", 5));
    for (HandlerEntry& h : f.handlers) {
      h.start = functions.varint();
      h.end = functions.varint();
      h.target = functions.varint();
      h.catchClass = functions.optionalIndex();
      h.reg = functions.varint();
    }
  }
  functions.expectEnd();

  Decoder natives = open(nbc::Section::Natives);
  m.natives.resize(natives.count("native", 3));
  for (size_t i = 0; i < m.natives.size(); i++) {
    NativeImport& n = m.natives[i];
    n.module = natives.name("native module name");
    n.name = natives.name("native name");
    std::string signature = natives.name("native signature");
    std::optional<NativeSignature> decoded = NativeSignature::parse(signature);
    if (!decoded) {
      fail(natives.where() + ": native " + std::to_string(i) + " (" + n.qualifiedName() +
           ") has a malformed signature `" + signature + "`");
    }
    n.signature = std::move(*decoded);
  }
  natives.expectEnd();
  file.expectEnd();
  return m;
}

} // namespace

std::shared_ptr<Module> readBytecode(const uint8_t* data, size_t size, std::string& error) {
  try {
    return std::make_shared<Module>(decode(data, size));
  } catch (const LoadFailure& failure) {
    error = failure.message;
    return nullptr;
  } catch (const std::bad_alloc&) {
    error = "out of memory while reading bytecode";
    return nullptr;
  }
}

} // namespace nuri
