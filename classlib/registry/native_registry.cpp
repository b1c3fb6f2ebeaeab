#include "classlib/registry/native_registry.h"

#include <vector>

namespace nuri {

namespace {

// Built on first use, so that its signatures are decoded once and in one place.
const std::vector<NativeInfo>& natives() {
  static const std::vector<NativeInfo> table = {
#define NATIVE(id, receiver, member, kind, result, params)                                         \
  {#id, receiver, member, NativeKind::kind, NativeSignature::fromLetters(result, params)},
#include "classlib/registry/natives.def"
#undef NATIVE
  };
  return table;
}

} // namespace

uint32_t nativeCount() { return uint32_t(natives().size()); }
const NativeInfo& nativeInfo(uint32_t index) { return natives()[index]; }

int findNative(std::string_view linkName) {
  const std::vector<NativeInfo>& table = natives();
  for (uint32_t i = 0; i < table.size(); i++) {
    if (linkName == table[i].linkName) return int(i);
  }
  return -1;
}

std::string libraryImportProblem(const NativeImport& import) {
  if (import.isHost()) return "";
  int n = findNative(import.name);
  if (n < 0) return "unknown native function `" + import.name + "`";
  const NativeSignature& own = nativeInfo(uint32_t(n)).signature;
  if (own == import.signature) return "";
  return "native function `" + import.name + "` has the signature " + own.text() +
         " in this VM, but the program expects " + import.signature.text() +
         " (rebuild it with this version's `nuri build`)";
}

} // namespace nuri
