// Little-endian encoding of the Nuri file formats (.nbc bytecode, .nsnap snapshots): fixed-size
// integers, LEB128 varints (zigzag for signed ones), doubles and strings. The decoder checks
// every read against the end of its data and fails with a message naming where it was, so a
// reader never reads out of bounds, whatever the bytes say.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "support/utf8.h"

namespace nuri {

// An index that may be "none" (see Encoder::optionalIndex).
constexpr uint32_t kNoCodecIndex = 0xFFFFFFFFu;

class Encoder {
public:
  std::vector<uint8_t> bytes;

  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) {
    u8(uint8_t(v));
    u8(uint8_t(v >> 8));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; i++)
      u8(uint8_t(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    u32(uint32_t(v));
    u32(uint32_t(v >> 32));
  }
  void raw(const void* data, size_t n) {
    auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + n);
  }
  // Room for a varint written later (patchVarint), when a count is known only after what it
  // counts: ten bytes, the longest a 64-bit varint takes, each but the last with its high bit.
  size_t varintPlaceholder() {
    size_t at = bytes.size();
    for (int i = 0; i < 9; i++)
      u8(0x80);
    u8(0);
    return at;
  }
  // Writes `v` into a placeholder as a ten-byte varint (its upper groups zero).
  void patchVarint(size_t at, uint64_t v) {
    for (int i = 0; i < 10; i++, v >>= 7)
      bytes[at + i] = uint8_t(v & 0x7F) | (i < 9 ? 0x80 : 0);
  }
  void patchU64(size_t at, uint64_t v) {
    for (int i = 0; i < 8; i++)
      bytes[at + i] = uint8_t(v >> (8 * i));
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      u8(uint8_t(v) | 0x80);
      v >>= 7;
    }
    u8(uint8_t(v));
  }
  // Indices that may be "none" are stored plus one, so none is 0.
  void optionalIndex(uint32_t v) { varint(v == kNoCodecIndex ? 0 : uint64_t(v) + 1); }
  void svarint(int64_t v) { varint((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
  void f64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; i++)
      u8(uint8_t(bits >> (8 * i)));
  }
  void str(const std::string& s) {
    varint(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void append(const Encoder& other) {
    bytes.insert(bytes.end(), other.bytes.begin(), other.bytes.end());
  }
};

// What a Decoder throws when the data are malformed; the file's reader catches it and reports
// the message.
struct LoadFailure {
  std::string message;
};

[[noreturn]] inline void fail(std::string message) { throw LoadFailure{std::move(message)}; }

class Decoder {
public:
  Decoder() = default;
  Decoder(const uint8_t* data, size_t size, std::string where)
      : p_(data), end_(data + size), where_(std::move(where)) {}

  size_t remaining() const { return size_t(end_ - p_); }
  bool atEnd() const { return p_ == end_; }

  uint8_t u8() {
    need(1);
    return *p_++;
  }
  uint16_t u16() {
    need(2);
    uint16_t v = uint16_t(p_[0] | (p_[1] << 8));
    p_ += 2;
    return v;
  }
  uint32_t u32() {
    need(4);
    uint32_t v =
        uint32_t(p_[0]) | uint32_t(p_[1]) << 8 | uint32_t(p_[2]) << 16 | uint32_t(p_[3]) << 24;
    p_ += 4;
    return v;
  }
  uint64_t u64() {
    uint64_t low = u32();
    return low | uint64_t(u32()) << 32;
  }
  // `n` bytes as they are, in place.
  const uint8_t* raw(size_t n) {
    need(n);
    const uint8_t* p = p_;
    p_ += n;
    return p;
  }
  uint64_t varint64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = u8();
      if (shift == 63 && b > 1) fail(where_ + ": malformed number");
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    fail(where_ + ": malformed number");
  }
  uint32_t varint() {
    uint64_t v = varint64();
    if (v > 0xFFFFFFFFu) fail(where_ + ": number out of range");
    return uint32_t(v);
  }
  int64_t svarint() {
    uint64_t v = varint64();
    return int64_t(v >> 1) ^ -int64_t(v & 1);
  }
  uint32_t optionalIndex() {
    uint32_t v = varint();
    return v == 0 ? kNoCodecIndex : v - 1;
  }
  double f64() {
    need(8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
      bits |= uint64_t(p_[i]) << (8 * i);
    p_ += 8;
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  // A UTF-8 string of at most kMaxStringBytes bytes (the bytecode format's limit on a string).
  static constexpr uint32_t kMaxStringBytes = 16u << 20;
  std::string str(const char* what) {
    uint32_t len = varint();
    if (len > kMaxStringBytes) fail(where_ + ": " + what + " is too long");
    need(len);
    std::string s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    if (!isValidUtf8(s)) fail(where_ + ": " + what + " is not valid UTF-8");
    return s;
  }
  // A name (of a file, global, class, field, function, local or native): a string without
  // control characters, since names appear in error messages and stack traces.
  std::string name(const char* what) {
    std::string s = str(what);
    for (unsigned char c : s) {
      if (c < 0x20 || c == 0x7F) fail(where_ + ": " + what + " contains a control character");
    }
    return s;
  }
  // A count of items that each take at least `minBytes` bytes: never more than the data left,
  // so a tiny file cannot make the reader allocate much.
  uint32_t count(const char* what, size_t minBytes = 1) {
    uint32_t n = varint();
    if (uint64_t(n) * minBytes > remaining()) {
      fail(where_ + ": " + what + " count " + std::to_string(n) + " exceeds the section size");
    }
    return n;
  }
  Decoder sub(size_t length, std::string where) {
    need(length);
    Decoder d(p_, length, std::move(where));
    p_ += length;
    return d;
  }
  void expectEnd() {
    if (!atEnd()) fail(where_ + ": " + std::to_string(remaining()) + " unexpected trailing bytes");
  }
  const std::string& where() const { return where_; }

private:
  void need(size_t n) {
    if (remaining() < n) fail(where_ + ": unexpected end of data (truncated file?)");
  }
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  std::string where_;
};

} // namespace nuri
