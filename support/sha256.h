// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for snapshot files: a digest recognises
// byte-identical bytecode, and an HMAC signs a file with a key the host holds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace nuri {

using Sha256Digest = std::array<uint8_t, 32>;

// The digest of a message given in any number of pieces.
class Sha256 {
public:
  static constexpr size_t kDigestSize = 32;
  static constexpr size_t kBlockSize = 64;

  // Appends `size` bytes at `data` to the message.
  void update(const uint8_t* data, size_t size);
  // The digest of everything given to update() since construction or the last finish(); the
  // object then starts over with an empty message.
  Sha256Digest finish();

private:
  // The first 32 bits of the fractional parts of the square roots of the first 8 primes
  // (FIPS 180-4, 5.3.3).
  static constexpr std::array<uint32_t, 8> kInitialState = {
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  void compressBlock(const uint8_t* block);

  std::array<uint32_t, 8> state_ = kInitialState;
  std::array<uint8_t, kBlockSize> pending_{}; // the start of a block not yet compressed
  size_t pendingSize_ = 0;
  uint64_t messageSize_ = 0; // in bytes; the padding records it in bits, modulo 2^64
};

// The SHA-256 digest of `size` bytes at `data`.
Sha256Digest sha256(const uint8_t* data, size_t size);

// HMAC-SHA-256 of `size` bytes at `data` under a key of any length (a key longer than the
// 64-byte block is replaced by its digest, as RFC 2104 says).
Sha256Digest hmacSha256(const uint8_t* key, size_t keySize, const uint8_t* data, size_t size);

// Whether the `n` bytes at `a` and `b` are equal, taking the same time wherever they differ,
// so that checking a signature does not tell an attacker how many of its leading bytes were
// right.
bool equalDigests(const uint8_t* a, const uint8_t* b, size_t n);

// Bytes as lowercase hexadecimal, two digits a byte: "ba7816bf...".
std::string toHex(std::span<const uint8_t> bytes);

} // namespace nuri
