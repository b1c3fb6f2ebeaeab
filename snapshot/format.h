// The snapshot file format (.nsnap, docs/snapshots.md): constants shared by the writer and the
// reader. A file is a fixed header, a body, an optional signature and a checksum:
//
//   "NURISNAP"  u16 major  u16 minor  u32 flags  u64 bodySize   (24 bytes, little-endian)
//   body        bodySize bytes (see docs/snapshots.md)
//   signature   32 bytes of HMAC-SHA-256 over header and body, when flags has kSigned
//   checksum    u32 CRC-32C of every byte before it
#pragma once

#include <cstdint>

namespace nuri::nsnap {

constexpr uint8_t kMagic[8] = {'N', 'U', 'R', 'I', 'S', 'N', 'A', 'P'};
constexpr uint16_t kVersionMajor = 0;
constexpr uint16_t kVersionMinor = 2; // 2: standard input read ahead (1 is still read)
constexpr uint16_t kOldestVersionMinor = 1;
constexpr uint32_t kSigned = 1u << 0; // flags: a signature follows the body
constexpr uint32_t kKnownFlags = kSigned;

constexpr uint64_t kHeaderBytes = 24;
constexpr uint64_t kSignatureBytes = 32;
constexpr uint64_t kChecksumBytes = 4;

// The largest snapshot file read (and written): the live heap of a guest, its stack and its
// bytecode together.
constexpr uint64_t kMaxFileBytes = 4ull << 30;

// What the body says about the guest.
enum class State : uint8_t {
  Template = 0,  // loaded, no runMain or call since: no frames
  Suspended = 1, // frames stand on the stack (see GuestEntry)
  Idle = 2,      // loaded, between calls, after main or a call has run: no frames
};

// Values of `entry` in the body: what started a suspended guest's outermost frame.
enum class Entry : uint8_t { None = 0, Load = 1, Main = 2, Call = 3 };

// Values of `reason` in the body: why a suspended guest stopped.
enum class Reason : uint8_t { None = 0, Fuel = 1, Time = 2, Requested = 3 };

} // namespace nuri::nsnap
