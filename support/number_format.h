// The text of numbers as Nuri prints them, shared by the VM's strings and the disassembler.
#pragma once

#include <cstdint>
#include <string>

namespace nuri {

std::string formatInt(int64_t value);
// Shortest text that reads back as the same double, formatted as Python's repr(float).
std::string formatFloat(double value);

} // namespace nuri
