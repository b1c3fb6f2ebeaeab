#include "vm/stack_trace.h"

#include "classlib/registry/prelude.h"

namespace nuri {
namespace {

constexpr size_t kTraceHead = 40; // frames shown before eliding the middle of a deep trace
constexpr size_t kTraceTail = 10;

std::string baseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::vector<std::string> stackTrace(const IsolateState& I) {
  std::vector<std::string> trace;
  const Module& module = *I.program.module;
  size_t n = I.stack.frames.size();
  for (size_t k = 0; k < n; k++) {
    if (n > kTraceHead + kTraceTail && k == kTraceHead) {
      size_t hidden = n - kTraceHead - kTraceTail;
      trace.push_back("... " + std::to_string(hidden) + " more frame" + (hidden == 1 ? "" : "s") +
                      " ...");
      k = n - kTraceTail;
    }
    const CallFrame& f = I.stack.frames[n - 1 - k];
    uint32_t pc = uint32_t(f.pc - f.function->code);
    uint32_t fileIndex = module.functions[f.function->index].file;
    std::string file =
        baseName(fileIndex < module.files.size() ? module.files[fileIndex] : module.sourceFile);
    // The prelude's own helpers (`__arrayToString`) are not the program's business.
    if (f.function->name.starts_with("__") && file == kPreludeFileName) continue;
    trace.push_back("at " + f.function->name + " (" + file + ":" +
                    std::to_string(f.function->lineAt(pc)) + ")");
  }
  return trace;
}

} // namespace nuri
