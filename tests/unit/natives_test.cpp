// The native table: its declared kinds and the typed view natives have of their arguments.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "classlib/natives.h"
#include "vm/isolate.h"

namespace nuri {
namespace {

TEST(Natives, EveryDeclaredKindIsOneTheVerifierKnows) {
  for (uint32_t i = 0; i < nativeCount(); i++) {
    const NativeInfo& n = nativeInfo(i);
    for (const char* p = n.params; *p; p++)
      EXPECT_NE(std::strchr("IFBSsXTAPR", *p), nullptr) << n.linkName << " parameter " << *p;
    EXPECT_NE(std::strchr("VIFBSLT", n.result), nullptr) << n.linkName << " result";
    EXPECT_LE(std::strlen(n.params), 8u) << n.linkName; // CALL_NATIVE passes at most 8
  }
}

TEST(Natives, HashAndCompareOfStringsTakeStringsOrNull) {
  // They took any reference and read it as a string: verified bytecode could pass an array.
  EXPECT_STREQ(nativeInfo(uint32_t(findNative("hash_string"))).params, "s");
  EXPECT_STREQ(nativeInfo(uint32_t(findNative("compare_string"))).params, "ss");
  EXPECT_STREQ(nativeInfo(uint32_t(findNative("array_join"))).params, "PS");
}

#ifndef NDEBUG
// Calls hash_string (which takes a string or null) with an array.
void hashAnArray() {
  IsolateState isolate{IsolateConfig{}};
  RuntimeType arrayType;
  arrayType.kind = TypeKind::Array;
  arrayType.index = uint32_t(isolate.typeTable.size());
  isolate.typeTable.push_back(&arrayType);
  ArrayObject array{headerFor(&arrayType), 0};
  Slot args[1];
  args[0].p = &array;
  Slot out{};
  nativeInfo(uint32_t(findNative("hash_string"))).function(isolate, args, &out);
}

TEST(NativesDeathTest, AnArgumentOfAnotherKindStopsADebugBuild) {
  // What the verifier prevents, a debug build also checks where the native reads its argument.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(hashAnArray(), "not of its declared kind");
}
#endif

} // namespace
} // namespace nuri
