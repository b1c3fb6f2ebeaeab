#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vm/isolate.h"

namespace nuri {

// The C++ function of the class library's native `index` (its index in
// classlib/registry/native_registry.h). The class library, a layer above the VM, provides it
// (nativeFunction in classlib/natives.h); the embedding API hands it to the linker.
using LibraryNatives = NativeFn (*)(uint32_t index);

// How the linker binds the host functions a module imports (the embedding API provides it):
// `bind` returns the binding of one import in the isolate, or null with `error` set; `call` is
// what CALL_NATIVE runs for every host function (it finds the binding in LinkedNative::host).
struct HostLinker {
  std::function<const HostBinding*(IsolateState&, const NativeImport&, std::string& error)> bind;
  NativeFn call = nullptr;
};

// Links a verified module into the code every isolate running it shares: run-time types, class
// layouts and vtables, functions, the class library's natives (bound to `library`). Null with
// `error` set if the module needs a native this VM lacks.
std::shared_ptr<const LinkedCode> linkCode(std::shared_ptr<const Module> module,
                                           LibraryNatives library, std::string& error);

// Links shared code into an isolate: its type table, host functions bound through `host`, its
// globals and string constants. Returns false with `error` set if the module needs a host
// function its host does not grant, or with a LimitError pending in the isolate if its
// constants do not fit in its heap limit.
bool linkIsolate(IsolateState& isolate, std::shared_ptr<const LinkedCode> code,
                 const HostLinker& host, std::string& error);

// linkCode and linkIsolate at once, for a module linked into one isolate.
bool linkProgram(IsolateState& isolate, std::shared_ptr<const Module> module,
                 LibraryNatives library, const HostLinker& host, std::string& error);

} // namespace nuri
