// compiler/shared_prelude.h: the prelude read in pieces, once per process, gives the same
// declarations as the whole file read at once, and every compilation sees the same prelude.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "classlib/registry/prelude.h"
#include "compiler/compile.h"
#include "compiler/lexer.h"
#include "compiler/parser.h"
#include "compiler/shared_prelude.h"
#include "vm/bytecode/module.h"

namespace nuri {
namespace {

// What the checker and the code generator take from a declaration, as text: names, where
// they are, and how many tokens each was read from (which bounds generic instances).
std::string describe(const FunDecl& f) {
  std::string text = "fun " + f.name + "@" + std::to_string(f.pos.line) + ":" +
                     std::to_string(f.pos.column) + " tokens " + std::to_string(f.tokenCount);
  for (const std::string& t : f.typeParams)
    text += " <" + t + ">";
  for (const Param& p : f.params)
    text += " (" + p.name + ": " + p.type.name + (p.defaultValue ? " = default" : "") + ")";
  return text + " body " + std::to_string(f.body ? f.body->body.size() : 0) + "\n";
}

std::string describe(const ClassDecl& c) {
  std::string text = std::string(c.isInterface ? "interface " : "class ") + c.name + "@" +
                     std::to_string(c.pos.line) + ":" + std::to_string(c.pos.column) + " tokens " +
                     std::to_string(c.tokenCount) + (c.isBuiltin ? " builtin" : "") + "\n";
  for (const std::string& t : c.typeParams)
    text += "  <" + t + ">\n";
  for (const FieldDecl& f : c.fields)
    text += "  field " + f.name + "@" + std::to_string(f.pos.line) + "\n";
  if (c.init) text += "  init " + describe(*c.init);
  for (const auto& m : c.methods)
    text += "  " + describe(*m);
  return text;
}

std::string describe(const Stmt& item) {
  if (item.kind == StmtKind::Fun) return describe(*item.fun);
  if (item.kind == StmtKind::Class) return describe(*item.cls);
  return "statement@" + std::to_string(item.pos.line) + "\n";
}

TEST(SharedPrelude, ReadsTheSameDeclarationsAsTheWholeFile) {
  SourceFile file(kPreludeFileName, kPreludeSource);
  Diagnostics diagnostics(file);
  ModuleAst whole = parse(tokenize(file, diagnostics), diagnostics);
  ASSERT_FALSE(diagnostics.hasErrors()) << diagnostics.render();

  const SharedPrelude& prelude = SharedPrelude::get();
  std::unique_ptr<SourceUnit> unit = prelude.newUnit(3);
  EXPECT_TRUE(unit->isPrelude);
  EXPECT_EQ(unit->file, 3u);
  size_t eager = 0, generic = 0, onDemand = 0;
  std::string expected, actual;
  for (const StmtPtr& item : whole.items) {
    if (item->kind == StmtKind::Class) item->cls->isBuiltin = true; // as compileModule marked them
    expected += describe(*item);
    bool isGeneric = (item->kind == StmtKind::Class && !item->cls->typeParams.empty()) ||
                     (item->kind == StmtKind::Fun && !item->fun->typeParams.empty());
    // The error classes are in every program; the other classes only where they are used.
    bool isErrorClass = item->kind == StmtKind::Class &&
                        (item->cls->name == "Error" ||
                         (item->cls->hasSuperclass && item->cls->superclass.name == "Error"));
    if (!isGeneric && item->kind == StmtKind::Class && !isErrorClass) {
      ASSERT_LT(generic, prelude.templateNames().size());
      const SharedPrelude::TemplateName& name = prelude.templateNames()[generic++];
      EXPECT_EQ(name.name, item->cls->name);
      EXPECT_EQ(prelude.classTemplate(name.name), nullptr); // not a template
      const ClassDecl* c = prelude.onDemandClass(name.name);
      ASSERT_TRUE(c) << name.name;
      actual += describe(*c);
      onDemand++;
      continue;
    }
    if (!isGeneric) {
      ASSERT_LT(eager, unit->ast.items.size());
      const Stmt& copy = *unit->ast.items[eager++];
      EXPECT_EQ(copy.pos.file, kPreludeFile);
      actual += describe(copy);
      continue;
    }
    ASSERT_LT(generic, prelude.templateNames().size());
    const SharedPrelude::TemplateName& name = prelude.templateNames()[generic++];
    EXPECT_EQ(name.pos.line, item->pos.line);
    EXPECT_EQ(name.pos.column, item->pos.column);
    if (item->kind == StmtKind::Class) {
      const ClassDecl* c = prelude.classTemplate(name.name);
      ASSERT_TRUE(c) << name.name;
      EXPECT_EQ(prelude.functionTemplate(name.name), nullptr);
      EXPECT_EQ(std::string(name.kind), c->isInterface ? "an interface" : "a class");
      EXPECT_EQ(c->pos.file, kPreludeFile);
      actual += describe(*c);
    } else {
      const FunDecl* f = prelude.functionTemplate(name.name);
      ASSERT_TRUE(f) << name.name;
      EXPECT_EQ(prelude.classTemplate(name.name), nullptr);
      EXPECT_EQ(std::string(name.kind), "a function");
      actual += describe(*f);
    }
  }
  EXPECT_EQ(eager, unit->ast.items.size());
  EXPECT_EQ(generic, prelude.templateNames().size());
  EXPECT_EQ(actual, expected);
  EXPECT_GT(eager, 0u);
  EXPECT_GT(generic, 0u);
  EXPECT_GT(onDemand, 0u);
}

TEST(SharedPrelude, UnknownNamesAreNoTemplates) {
  const SharedPrelude& prelude = SharedPrelude::get();
  EXPECT_EQ(prelude.classTemplate("Error"), nullptr); // not generic
  EXPECT_EQ(prelude.classTemplate("Nothing"), nullptr);
  EXPECT_EQ(prelude.functionTemplate("List"), nullptr);
}

// The prelude's file comes after the program's own file and its imports, and its functions
// name it, in whichever compilation parsed a template first.
TEST(SharedPrelude, PreludeFunctionsNameThePreludeAfterTheProgramsFiles) {
  ImportSources imports;
  imports.readFiles = false;
  imports.provide = [](const std::string&) -> std::optional<std::string> {
    return std::string("class Thing { }\n");
  };
  for (int round = 0; round < 2; round++) {
    CompileOutput out = compileModule(
        "import things\nlet l = List<things.Thing>()\nprintln(l.length)\n", "main.nuri", imports);
    ASSERT_TRUE(out.module) << out.diagnostics;
    const Module& m = *out.module;
    ASSERT_EQ(m.files.size(), 4u);
    EXPECT_EQ(m.files[1], "main.nuri");
    EXPECT_EQ(m.files[2], "things.nuri");
    EXPECT_EQ(m.files[3], "<prelude>");
    bool sawList = false, sawError = false;
    for (const FunctionEntry& f : m.functions) {
      if (f.name == "List<things.Thing>.add") {
        sawList = true;
        EXPECT_EQ(f.file, 3u);
      }
      if (f.name == "Error.toString") {
        sawError = true;
        EXPECT_EQ(f.file, 3u);
      }
    }
    EXPECT_TRUE(sawList && sawError);
  }
}

} // namespace
} // namespace nuri
