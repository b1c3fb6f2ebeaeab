// The native table: its declared kinds and the typed view natives have of their arguments.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "classlib/natives.h"
#include "vm/isolate.h"

namespace nuri {
namespace {

TEST(Natives, EverySignatureSurvivesItsText) {
  for (uint32_t i = 0; i < nativeCount(); i++) {
    const NativeInfo& n = nativeInfo(i);
    std::optional<NativeSignature> again = NativeSignature::parse(n.signature.text());
    ASSERT_TRUE(again) << n.linkName;
    EXPECT_EQ(*again, n.signature) << n.linkName;
    EXPECT_LE(n.signature.params.size(), kMaxNativeParams) << n.linkName;
  }
}

TEST(Natives, HashAndCompareOfStringsTakeStringsOrNull) {
  // They took any reference and read it as a string: verified bytecode could pass an array.
  EXPECT_EQ(nativeInfo(uint32_t(findNative("hash_string"))).signature.text(), "(s)I");
  EXPECT_EQ(nativeInfo(uint32_t(findNative("compare_string"))).signature.text(), "(ss)I");
  EXPECT_EQ(nativeInfo(uint32_t(findNative("array_join"))).signature.text(), "(PS)S");
  EXPECT_EQ(nativeInfo(uint32_t(findNative("string_split"))).signature.text(), "(SS)[s");
}

TEST(NativeSignatures, MalformedTextIsRefused) {
  for (const char* bad :
       {"", "I", "(", "(I", "(V)I", "(I)", "(Q)I", "([)I", "([S)I", "(I)II", "(IIIIIIIII)V"}) {
    EXPECT_FALSE(NativeSignature::parse(bad)) << bad;
  }
  EXPECT_TRUE(NativeSignature::parse("([[I[s)[F"));
  EXPECT_EQ(NativeSignature::parse("(L)L")->text(), "([s)[s");
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
  LinkedNative linked{};
  nativeFunction(uint32_t(findNative("hash_string")))(isolate, linked, args, &out);
}

TEST(NativesDeathTest, AnArgumentOfAnotherKindStopsADebugBuild) {
  // What the verifier prevents, a debug build also checks where the native reads its argument.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(hashAnArray(), "not of its declared kind");
}
#endif

} // namespace
} // namespace nuri
