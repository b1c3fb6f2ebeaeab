// Turns source text into tokens, applying the newline rule of the language: a newline ends a
// statement only after an identifier, a literal, `)`, `]`, `}`, `return`, `break`, `continue`
// (and `this`), and never inside ( ) or [ ].
#pragma once

#include <string_view>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/token.h"

namespace nuri {

std::vector<Token> tokenize(const SourceFile& file, Diagnostics& diagnostics);
// Tokenizes part of a file: `text` begins at the start of line `firstLine` of file `file`.
std::vector<Token> tokenize(std::string_view text, uint32_t file, uint32_t firstLine,
                            Diagnostics& diagnostics);

// Whether `text` stops in the middle of something: an open bracket or block comment, or an
// operator or keyword that a statement cannot end with. An interactive prompt reads more lines.
bool isIncompleteSource(std::string_view text);

} // namespace nuri
