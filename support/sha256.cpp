#include "support/sha256.h"

#include <algorithm>
#include <cstring>

namespace nuri {

namespace {

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes
// (FIPS 180-4, 4.2.2).
constexpr std::array<uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

inline uint32_t rotateRight(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// The functions of FIPS 180-4, 4.1.2, under their names there.
inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
inline uint32_t bigSigma0(uint32_t x) {
  return rotateRight(x, 2) ^ rotateRight(x, 13) ^ rotateRight(x, 22);
}
inline uint32_t bigSigma1(uint32_t x) {
  return rotateRight(x, 6) ^ rotateRight(x, 11) ^ rotateRight(x, 25);
}
inline uint32_t smallSigma0(uint32_t x) {
  return rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x >> 3);
}
inline uint32_t smallSigma1(uint32_t x) {
  return rotateRight(x, 17) ^ rotateRight(x, 19) ^ (x >> 10);
}

// SHA-256 reads and writes its words big-endian, whatever the machine's byte order.
inline uint32_t loadBigEndian32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

inline void storeBigEndian32(uint8_t* p, uint32_t value) {
  p[0] = uint8_t(value >> 24);
  p[1] = uint8_t(value >> 16);
  p[2] = uint8_t(value >> 8);
  p[3] = uint8_t(value);
}

} // namespace

// FIPS 180-4, 6.2.2: the message schedule, then 64 rounds over the working variables a..h.
void Sha256::compressBlock(const uint8_t* block) {
  uint32_t schedule[64];
  for (int t = 0; t < 16; t++)
    schedule[t] = loadBigEndian32(block + 4 * t);
  for (int t = 16; t < 64; t++) {
    schedule[t] = smallSigma1(schedule[t - 2]) + schedule[t - 7] + smallSigma0(schedule[t - 15]) +
                  schedule[t - 16];
  }
  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = h + bigSigma1(e) + ch(e, f, g) + kRoundConstants[t] + schedule[t];
    uint32_t t2 = bigSigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

void Sha256::update(const uint8_t* data, size_t size) {
  if (size == 0) return; // `data` may then be null, which memcpy does not allow
  messageSize_ += size;
  if (pendingSize_ > 0) {
    size_t taken = std::min(size, kBlockSize - pendingSize_);
    std::memcpy(pending_.data() + pendingSize_, data, taken);
    pendingSize_ += taken;
    data += taken;
    size -= taken;
    if (pendingSize_ < kBlockSize) return;
    compressBlock(pending_.data());
    pendingSize_ = 0;
  }
  // Whole blocks straight from the caller's bytes, without copying them.
  for (; size >= kBlockSize; data += kBlockSize, size -= kBlockSize)
    compressBlock(data);
  if (size > 0) std::memcpy(pending_.data(), data, size);
  pendingSize_ = size;
}

Sha256Digest Sha256::finish() {
  // FIPS 180-4, 5.1.1: a 1 bit, zeros up to 8 bytes short of a block boundary, then the
  // message's length in bits as a 64-bit big-endian number.
  uint64_t messageBits = messageSize_ * 8;
  uint8_t padding[kBlockSize + 8] = {0x80};
  size_t zerosAfterMarker = (kBlockSize + 56 - (pendingSize_ + 1) % kBlockSize) % kBlockSize;
  size_t paddingSize = 1 + zerosAfterMarker;
  for (int i = 0; i < 8; i++)
    padding[paddingSize + i] = uint8_t(messageBits >> (56 - 8 * i));
  update(padding, paddingSize + 8);

  Sha256Digest digest;
  for (int i = 0; i < 8; i++)
    storeBigEndian32(digest.data() + 4 * i, state_[i]);
  *this = Sha256();
  return digest;
}

Sha256Digest sha256(const uint8_t* data, size_t size) {
  Sha256 hash;
  hash.update(data, size);
  return hash.finish();
}

Sha256Digest hmacSha256(const uint8_t* key, size_t keySize, const uint8_t* data, size_t size) {
  // The key, shortened to its digest if longer than a block, padded with zeros to a block.
  uint8_t blockKey[Sha256::kBlockSize] = {};
  if (keySize > Sha256::kBlockSize) {
    Sha256Digest keyDigest = sha256(key, keySize);
    std::memcpy(blockKey, keyDigest.data(), keyDigest.size());
  } else if (keySize > 0) {
    std::memcpy(blockKey, key, keySize);
  }
  // H((K ^ opad) || H((K ^ ipad) || data)), with ipad the byte 0x36 and opad 0x5c repeated.
  uint8_t innerPad[Sha256::kBlockSize], outerPad[Sha256::kBlockSize];
  for (size_t i = 0; i < Sha256::kBlockSize; i++) {
    innerPad[i] = blockKey[i] ^ 0x36;
    outerPad[i] = blockKey[i] ^ 0x5c;
  }
  Sha256 inner;
  inner.update(innerPad, sizeof innerPad);
  inner.update(data, size);
  Sha256Digest innerDigest = inner.finish();
  Sha256 outer;
  outer.update(outerPad, sizeof outerPad);
  outer.update(innerDigest.data(), innerDigest.size());
  return outer.finish();
}

bool equalDigests(const uint8_t* a, const uint8_t* b, size_t n) {
  // Every byte is read whatever the earlier ones held: the differences are gathered, not
  // tested one by one.
  uint8_t differences = 0;
  for (size_t i = 0; i < n; i++)
    differences |= a[i] ^ b[i];
  return differences == 0;
}

std::string toHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xF];
  }
  return text;
}

} // namespace nuri
