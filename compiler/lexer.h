// Turns source text into tokens, applying the newline rule of the language: a newline ends a
// statement only after an identifier, a literal, `)`, `]`, `}`, `return`, `break`, `continue`
// (and `this`), and never inside ( ) or [ ].
#pragma once

#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/token.h"

namespace nuri {

std::vector<Token> tokenize(const SourceFile& file, Diagnostics& diagnostics);

} // namespace nuri
