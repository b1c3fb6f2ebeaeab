// CRC-32C, SHA-256 and HMAC-SHA-256 against published test vectors (RFC 3720 for CRC-32C,
// FIPS 180-4 examples for SHA-256, RFC 4231 for HMAC-SHA-256), and in pieces against one pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/crc32c.h"
#include "support/sha256.h"

using namespace nuri;

namespace {

const uint8_t* bytesOf(const std::string& text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

// Bytes that are not all alike, the same on every run.
std::vector<uint8_t> patternBytes(size_t size) {
  std::vector<uint8_t> bytes(size);
  uint32_t state = 12345;
  for (uint8_t& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = uint8_t(state >> 16);
  }
  return bytes;
}

// CRC-32C one bit at a time, straight from its definition, to hold the table-driven version to.
uint32_t crc32cBitByBit(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; i++) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; bit++)
      crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0);
  }
  return ~crc;
}

std::string sha256Hex(const std::string& text) { return toHex(sha256(bytesOf(text), text.size())); }

std::string hmacHex(const std::string& key, const std::string& data) {
  return toHex(hmacSha256(bytesOf(key), key.size(), bytesOf(data), data.size()));
}

} // namespace

TEST(Crc32c, CheckValue) {
  std::string text = "123456789";
  EXPECT_EQ(crc32c(bytesOf(text), text.size()), 0xE3069283u);
}

TEST(Crc32c, EmptyInputIsZeroAndKeepsTheRunningValue) {
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
  EXPECT_EQ(crc32c(nullptr, 0, 0xE3069283u), 0xE3069283u);
}

// RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32c, Rfc3720Vectors) {
  std::vector<uint8_t> zeros(32, 0x00), ones(32, 0xFF), ascending(32), descending(32);
  for (int i = 0; i < 32; i++) {
    ascending[i] = uint8_t(i);
    descending[i] = uint8_t(31 - i);
  }
  EXPECT_EQ(crc32c(zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(crc32c(ascending.data(), 32), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending.data(), 32), 0x113FDB5Cu);
}

TEST(Crc32c, ChainedAtEverySplitPointEqualsOnePass) {
  std::vector<uint8_t> bytes = patternBytes(1000);
  uint32_t onePass = crc32c(bytes.data(), bytes.size());
  EXPECT_EQ(onePass, crc32cBitByBit(bytes.data(), bytes.size()));
  for (size_t split = 0; split <= bytes.size(); split++) {
    uint32_t first = crc32c(bytes.data(), split);
    EXPECT_EQ(crc32c(bytes.data() + split, bytes.size() - split, first), onePass) << split;
  }
}

TEST(Crc32c, UnalignedStartsAndEveryTailLength) {
  std::vector<uint8_t> bytes = patternBytes(200);
  for (size_t start = 0; start < 16; start++) {
    for (size_t size = 0; start + size <= 150; size++) {
      uint32_t expected = crc32cBitByBit(bytes.data() + start, size);
      EXPECT_EQ(crc32c(bytes.data() + start, size), expected)
          << "start " << start << ", size " << size;
      EXPECT_EQ(crc32cPortable(bytes.data() + start, size), expected)
          << "start " << start << ", size " << size;
    }
  }
  // A known value read from an odd address.
  std::vector<uint8_t> shifted(33, 0xFF);
  shifted[0] = 0;
  EXPECT_EQ(crc32c(shifted.data() + 1, 32), 0x62A8AB43u);
}

// The processor's instructions (where used) and the tables agree on long inputs and chains.
TEST(Crc32c, InstructionsAndTablesAgree) {
  std::vector<uint8_t> bytes = patternBytes(100000);
  EXPECT_EQ(crc32c(bytes.data(), bytes.size()), crc32cPortable(bytes.data(), bytes.size()));
  uint32_t chained = crc32cPortable(bytes.data(), 333);
  EXPECT_EQ(crc32c(bytes.data() + 333, bytes.size() - 333, chained),
            crc32c(bytes.data(), bytes.size()));
}

TEST(Sha256, FipsExamples) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionAsInUnevenPieces) {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  std::string million(1000000, 'a');
  EXPECT_EQ(sha256Hex(million), expected);
  // Piece sizes that start and end inside blocks, fill one exactly, and span several.
  const size_t pieceSizes[] = {1, 63, 64, 65, 0, 7, 128, 55, 56, 1000, 3, 4096};
  Sha256 hash;
  size_t fed = 0;
  for (size_t i = 0; fed < million.size(); i++) {
    size_t piece = std::min(pieceSizes[i % std::size(pieceSizes)], million.size() - fed);
    hash.update(bytesOf(million) + fed, piece);
    fed += piece;
  }
  EXPECT_EQ(toHex(hash.finish()), expected);
}

// Messages of 0 to 129 bytes put the padding on every side of a block boundary; the expected
// value is the digest of their 130 digests, one after the other.
TEST(Sha256, EveryPaddingLength) {
  Sha256 digests;
  for (size_t size = 0; size < 130; size++) {
    std::string message(size, 'a');
    Sha256Digest digest = sha256(bytesOf(message), message.size());
    digests.update(digest.data(), digest.size());
  }
  EXPECT_EQ(toHex(digests.finish()),
            "39a48225ae6069c68f7c9f867bf47f4a2e188c3903dd919926b8259a73ecada5");
}

TEST(Sha256, StartsOverAfterFinish) {
  Sha256 hash;
  std::string text = "abc";
  hash.update(bytesOf(text), text.size());
  hash.finish();
  EXPECT_EQ(toHex(hash.finish()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hash.update(bytesOf(text), text.size());
  EXPECT_EQ(toHex(hash.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231, section 4 (test case 5 truncates the output and is left out).
TEST(HmacSha256, Rfc4231TestCase1) {
  EXPECT_EQ(hmacHex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2KeyShorterThanOutput) {
  EXPECT_EQ(hmacHex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase3) {
  EXPECT_EQ(hmacHex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(HmacSha256, Rfc4231TestCase4) {
  std::string key;
  for (int byte = 0x01; byte <= 0x19; byte++)
    key += char(byte);
  EXPECT_EQ(hmacHex(key, std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(HmacSha256, Rfc4231TestCase6KeyLongerThanBlock) {
  EXPECT_EQ(
      hmacHex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, Rfc4231TestCase7KeyAndDataLongerThanBlock) {
  EXPECT_EQ(hmacHex(std::string(131, '\xaa'),
                    "This is a test using a larger than block-size key and a larger than "
                    "block-size data. The key needs to be hashed before being used by the HMAC "
                    "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EqualDigestsComparesEveryByte) {
  Sha256Digest a = sha256(nullptr, 0), b = a;
  EXPECT_TRUE(equalDigests(a.data(), b.data(), a.size()));
  for (size_t i = 0; i < a.size(); i++) {
    b = a;
    b[i] ^= 0x01;
    EXPECT_FALSE(equalDigests(a.data(), b.data(), a.size())) << i;
  }
  EXPECT_TRUE(equalDigests(nullptr, nullptr, 0));
}

TEST(Sha256, ToHex) {
  const uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(toHex(bytes), "000fa5ff");
  EXPECT_EQ(toHex({}), "");
}
