// HostModule: declaring C++ functions by their Nuri signatures.
#include "api/host_module.h"

#include <set>

namespace nuri {

namespace {

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }

bool isName(std::string_view s) {
  if (s.empty() || !isNameStart(s[0])) return false;
  for (char c : s)
    if (!isNameChar(c)) return false;
  return true;
}

// Reads `fun name(a: int, b: string[]): float` (no result type: void).
class SignatureParser {
public:
  explicit SignatureParser(std::string_view text) : text_(text) {}

  bool parse(HostFunctionEntry& out, std::string& error) {
    if (word() != "fun") return fail("it must start with `fun`", error);
    out.name = word();
    if (!isName(out.name)) return fail("expected the function's name after `fun`", error);
    if (!take('(')) return fail("expected `(` after the function's name", error);
    if (!take(')')) {
      do {
        std::string param = word();
        if (!isName(param)) return fail("expected a parameter name", error);
        if (!take(':')) return fail("expected `:` and a type after `" + param + "`", error);
        std::optional<NativeType> type = typeName(false);
        if (!type) return fail("parameter `" + param + "` has no valid type", error);
        if (out.signature.params.size() == kMaxNativeParams) {
          return fail("a host function takes at most " + std::to_string(kMaxNativeParams) +
                          " parameters",
                      error);
        }
        out.paramNames.push_back(param);
        out.signature.params.push_back(*type);
      } while (take(','));
      if (!take(')')) return fail("expected `,` or `)` after a parameter", error);
    }
    out.signature.result = NativeType{'V'};
    if (take(':')) {
      std::optional<NativeType> type = typeName(true);
      if (!type) return fail("the result has no valid type", error);
      out.signature.result = *type;
    }
    skipSpace();
    if (pos_ != text_.size()) return fail("unexpected text at the end", error);
    return true;
  }

private:
  std::string_view text_;
  size_t pos_ = 0;

  bool fail(const std::string& why, std::string& error) {
    error = why + " (types: int, float, bool, string, arrays of those, or void for the result)";
    return false;
  }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      pos_++;
  }
  std::string word() {
    skipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && isNameChar(text_[pos_]))
      pos_++;
    return std::string(text_.substr(start, pos_ - start));
  }
  bool take(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      pos_++;
      return true;
    }
    return false;
  }
  std::optional<NativeType> typeName(bool isResult) {
    std::string base = word();
    char code = base == "int"                ? 'I'
                : base == "float"            ? 'F'
                : base == "bool"             ? 'B'
                : base == "string"           ? 's'
                : base == "void" && isResult ? 'V'
                                             : 0;
    if (!code) return std::nullopt;
    uint32_t depth = 0;
    while (take('[')) {
      if (!take(']') || code == 'V') return std::nullopt;
      depth++;
    }
    if (depth == 0) return NativeType{code};
    if (depth > kMaxNativeArrayDepth) return std::nullopt;
    return NativeType{'[', uint8_t(depth), code};
  }
};

std::string declarationOf(const HostFunctionEntry& f) {
  std::string text = "fun " + f.name + "(";
  for (size_t i = 0; i < f.paramNames.size(); i++) {
    text += (i ? ", " : "") + f.paramNames[i] + ": " + nuriTypeName(f.signature.params[i]);
  }
  text += ")";
  if (f.signature.result.code != 'V') text += ": " + nuriTypeName(f.signature.result);
  return text;
}

} // namespace

HostModule::HostModule(std::string name) : name_(std::move(name)) {
  if (!isName(name_)) {
    errors_.push_back("host module name `" + name_ +
                      "` is not a Nuri name (letters, digits and `_`, not starting with a digit)");
  }
}

HostModule::~HostModule() = default;

HostModule& HostModule::function(std::string_view signature, HostFunction function) {
  if (used_.load()) { // other threads may be reading the module: leave it as it is
    lateDeclarations_++;
    return *this;
  }
  auto entry = std::make_unique<HostFunctionEntry>();
  std::string error;
  if (!SignatureParser(signature).parse(*entry, error)) {
    errors_.push_back("host module `" + name_ + "`: cannot declare `" + std::string(signature) +
                      "`: " + error);
    return *this;
  }
  if (findHostFunction(*this, entry->name)) {
    errors_.push_back("host module `" + name_ + "` declares `" + entry->name + "` twice");
    return *this;
  }
  if (!function) {
    errors_.push_back("host module `" + name_ + "`: `" + entry->name + "` has no C++ function");
    return *this;
  }
  entry->module = name_;
  entry->qualifiedName = name_ + "." + entry->name;
  entry->declaration = declarationOf(*entry);
  entry->function = std::move(function);
  functions_.push_back(std::move(entry));
  return *this;
}

std::vector<std::string> HostModule::declarations() const {
  std::vector<std::string> out;
  for (const auto& f : functions_)
    out.push_back(f->declaration);
  return out;
}

const std::string& CallContext::function() const { return entry_.qualifiedName; }

const HostFunctionEntry* findHostFunction(const HostModule& module, std::string_view name) {
  for (const auto& f : HostModuleAccess::functions(module))
    if (f->name == name) return f.get();
  return nullptr;
}

std::string hostModulesProblem(const std::vector<std::shared_ptr<HostModule>>& modules) {
  std::set<std::string> names;
  for (const auto& module : modules) {
    if (!module) return "a host module is null";
    HostModuleAccess::markUsed(*module);
    if (!module->errors().empty()) return module->errors().front();
    if (int late = HostModuleAccess::lateDeclarations(*module)) {
      return "host module `" + module->name() + "` was given " + std::to_string(late) +
             " declaration" + (late == 1 ? "" : "s") +
             " after it was used to compile or load a program; declare every function first";
    }
    if (!names.insert(module->name()).second) {
      return "two host modules are named `" + module->name() + "`";
    }
  }
  return "";
}

} // namespace nuri
