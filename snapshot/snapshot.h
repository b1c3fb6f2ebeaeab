// Snapshots of guests (GUESTS.md §3, docs/snapshots.md): writing a guest's program, globals, live
// objects and suspended frames as portable bytes, and rebuilding a guest from them with every
// part checked, since a snapshot is untrusted input like a bytecode file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "snapshot/format.h"
#include "vm/isolate.h"

namespace nuri {

// Writes the guest in `isolate` (loaded, not running: between calls or suspended) as a snapshot
// file's bytes. `bytecode` is its program's .nbc encoding; a non-empty `key` signs the file.
// Returns false with `error` set when the guest cannot be captured. The guest's object headers
// are marked while it works and restored before it returns.
bool writeSnapshot(IsolateState& isolate, std::span<const uint8_t> bytecode, const std::string& key,
                   std::vector<uint8_t>& out, std::string& error);

// What a snapshot's body says before its heap: enough to load its program and to describe it.
struct SnapshotInfo {
  uint16_t versionMajor = 0, versionMinor = 0;
  bool isSigned = false;
  nsnap::State state = nsnap::State::Template;
  GuestEntry entry = GuestEntry::None;
  Error::Limit reason = Error::Limit::None;
  uint64_t instructions = 0; // executed by the guest before the snapshot, in all its runs
  uint32_t lastIdentityHash = 0;
  uint64_t fuel = 0; // the limits of the run that was snapshotted (for `nuri inspect`)
  double timeoutSeconds = 0;
  uint64_t heapLimitBytes = 0;
  std::string_view inputAhead; // standard input the guest had not read yet (InputBuffer)
  bool inputEnded = false;
  std::span<const uint8_t> bytecode;
  std::span<const uint8_t> guestData; // the rest of the body: objects, globals, frames
};

// Checks a snapshot file's frame (magic, version, size, checksum, and the signature by `key`:
// a signed file needs the key, and with a key every file must be signed by it) and decodes the
// body up to the heap. Returns false with `error` set.
bool openSnapshot(std::span<const uint8_t> file, const std::string& key, SnapshotInfo& out,
                  std::string& error);

// Rebuilds the guest's objects, globals and frames in `isolate`, which has the snapshot's
// program linked and has run nothing. Checks that every reference points at an object of the
// type its slot declares, that every frame stands at a safepoint of its function and matches
// the call that made it, and bounds every count before allocating. Returns false with `error`
// set (or a LimitError pending in the isolate, if the guest does not fit its heap limit).
// `adoptedAccounting` says whether the heap limit's accounting was taken from the snapshot (it
// is when the isolate has the snapshot's heap limit); otherwise the caller walks the heap.
bool restoreGuest(IsolateState& isolate, const SnapshotInfo& info, std::string& error,
                  bool& adoptedAccounting);

} // namespace nuri
