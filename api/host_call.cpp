#include "api/host_call.h"

#include <exception>

#include "api/host_module.h"
#include "api/value_conversion.h"

namespace nuri {

struct HostBinding {
  const HostFunctionEntry* entry;
  const RuntimeType* resultType; // an array result's type in this program (null for others)
};

namespace {

// The program's run-time type for an array type of a host signature, or null if it has none.
const RuntimeType* findArrayType(const LinkedProgram& p, const NativeType& t) {
  for (const auto& candidate : p.types) {
    const RuntimeType* type = candidate.get();
    for (uint8_t i = 0; i < t.depth && type; i++)
      type = type->kind == TypeKind::Array ? type->element : nullptr;
    if (!type) continue;
    TypeKind want = t.element == 'I'   ? TypeKind::Int
                    : t.element == 'F' ? TypeKind::Float
                    : t.element == 'B' ? TypeKind::Bool
                                       : TypeKind::String;
    if (type->kind == want) return candidate.get();
  }
  return nullptr;
}

} // namespace

std::string describeHostImport(const NativeImport& import) {
  std::string text = import.qualifiedName() + "(";
  for (size_t i = 0; i < import.signature.params.size(); i++)
    text += (i ? ", " : "") + nuriTypeName(import.signature.params[i]);
  text += ")";
  if (import.signature.result.code != 'V') text += ": " + nuriTypeName(import.signature.result);
  return text;
}

namespace {

const HostBinding* bind(IsolateState& I, const NativeImport& import, std::string& error) {
  const HostModule* module = nullptr;
  for (const auto& granted : I.config.hostModules)
    if (granted && granted->name() == import.module) module = granted.get();
  if (!module) {
    error = "the program imports host module `" + import.module + "` (for `" +
            import.qualifiedName() +
            "`), which this isolate is not granted (IsolateConfig::hostModules)";
    return nullptr;
  }
  const HostFunctionEntry* entry = findHostFunction(*module, import.name);
  if (!entry) {
    error = "the program imports `" + import.qualifiedName() + "`, but host module `" +
            import.module + "` has no function `" + import.name + "`";
    return nullptr;
  }
  if (entry->signature != import.signature) {
    error = "the program imports `" + describeHostImport(import) + "`, but host module `" +
            import.module + "` declares `" + entry->declaration + "`";
    return nullptr;
  }
  auto binding = std::make_shared<HostBinding>();
  binding->entry = entry;
  if (entry->signature.result.isArray())
    binding->resultType = findArrayType(I.program, entry->signature.result);
  I.program.hostBindings.push_back(binding);
  return binding.get();
}

TypeKind kindOf(const NativeType& t) {
  switch (t.code) {
  case 'I': return TypeKind::Int;
  case 'F': return TypeKind::Float;
  case 'B': return TypeKind::Bool;
  case 's': return TypeKind::String;
  case '[': return TypeKind::Array;
  default: return TypeKind::Void;
  }
}

// The guest's result slot for `result`, converted to the declared type.
bool storeResult(IsolateState& I, const HostBinding& b, const Value& result, Slot* out) {
  const NativeType& declared = b.entry->signature.result;
  if (declared.code == 'V') return true;
  const RuntimeType* type = declared.isArray()     ? b.resultType
                            : declared.code == 's' ? &I.stringType
                                                   : nullptr;
  if (declared.isArray() && !type) {
    return I.raise(ErrorClass::HostError,
                   "the program has no type for the result of `" + b.entry->qualifiedName + "`");
  }
  RuntimeType primitive;
  if (!type) {
    primitive.kind = kindOf(declared);
    type = &primitive;
  }
  std::string error;
  switch (toSlot(I, result, type, *out, error)) {
  case Conversion::Ok: return true;
  case Conversion::Raised: return false;
  case Conversion::Mismatch: break;
  }
  return I.raise(ErrorClass::HostError, "host function `" + b.entry->qualifiedName +
                                            "` returned a result that does not fit its type " +
                                            nuriTypeName(declared) + ": " + error);
}

} // namespace

// Builds the CallContext a host function receives (its constructor is private to the API).
struct HostCall {
  static bool call(IsolateState& I, const LinkedNative& native, Slot* args, Slot* out) {
    const HostBinding& b = *native.host;
    const HostFunctionEntry& entry = *b.entry;
    const std::vector<NativeType>& params = entry.signature.params;
    // Only as many Values as there are arguments are made (a full array would be cleared and
    // destroyed at every call).
    alignas(Value) unsigned char storage[kMaxNativeParams * sizeof(Value)];
    Value* values = reinterpret_cast<Value*>(storage);
    size_t made = 0;
    uint64_t reserved = 0; // the arguments' copies, charged to the guest during the call
    auto destroyArguments = [&] {
      for (size_t i = 0; i < made; i++)
        values[i].~Value();
      I.release(reserved);
    };
    for (; made < params.size(); made++) {
      new (&values[made]) Value();
      if (!hostArgument(I, args[made], kindOf(params[made]), values[made], reserved)) {
        made++;
        destroyArguments();
        return false;
      }
    }
    CallContext context(*I.api, entry);
    std::optional<Result<Value>> result;
    I.inHostCall = true;
    try {
      result.emplace(entry.function(context, std::span<const Value>(values, params.size())));
    } catch (const std::bad_alloc&) {
      result.emplace(Error{Error::Kind::Runtime,
                           Error::Limit::None,
                           "",
                           "`" + entry.qualifiedName + "` ran out of memory (std::bad_alloc)",
                           {},
                           ""});
    } catch (const std::exception& e) {
      result.emplace(Error{Error::Kind::Runtime, Error::Limit::None, "", e.what(), {}, ""});
    } catch (...) {
      result.emplace(Error{Error::Kind::Runtime,
                           Error::Limit::None,
                           "",
                           "`" + entry.qualifiedName + "` threw an exception",
                           {},
                           ""});
    }
    I.inHostCall = false;
    destroyArguments();
    // Limits that passed while the host worked (a deadline, a terminate, also one the host
    // function made) stop the guest as the function returns; a suspension waits for the next
    // suspension point, since the host function's effects cannot be undone.
    if (!I.checkLimits(I.instructions, CheckSite::AfterHostCall)) return false;
    if (!*result) {
      const std::string& message = result->error().message;
      return I.raise(ErrorClass::HostError,
                     message.empty() ? "`" + entry.qualifiedName + "` failed" : message);
    }
    return storeResult(I, b, **result, out);
  }
};

const HostLinker& hostLinker() {
  static const HostLinker linker{bind, HostCall::call};
  return linker;
}

} // namespace nuri

namespace nuri {

const HostLinker& absentHostLinker() {
  static const HostBinding none{nullptr, nullptr};
  static const HostLinker linker{
      [](IsolateState&, const NativeImport&, std::string&) -> const HostBinding* { return &none; },
      [](IsolateState& I, const LinkedNative& native, Slot*, Slot*) {
        return I.raise(ErrorClass::HostError, "no host module is granted to this guest");
      }};
  return linker;
}

} // namespace nuri
