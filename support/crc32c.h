// CRC-32C (Castagnoli), the checksum over a whole snapshot file: the same value on every
// machine, whatever its byte order; computed with the processor's CRC instructions where it
// has them, else with tables.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nuri {

// The CRC-32C of `size` bytes at `data`, continuing from `crc`, the CRC-32C of the bytes before
// them (0 for none): crc32c(b, nb, crc32c(a, na)) is the CRC-32C of a followed by b.
// crc32c("123456789", 9) is 0xE3069283.
uint32_t crc32c(const uint8_t* data, size_t size, uint32_t crc = 0);

// The same, always without the processor's instructions (what other machines compute).
uint32_t crc32cPortable(const uint8_t* data, size_t size, uint32_t crc = 0);

} // namespace nuri
