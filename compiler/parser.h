// Builds the syntax tree from tokens. Reports every syntax error it can, recovering at the next
// statement; nesting deeper than kMaxNesting is rejected rather than overflowing the C++ stack.
#pragma once

#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/limits.h"

namespace nuri {

ModuleAst parse(const std::vector<Token>& tokens, Diagnostics& diagnostics);

} // namespace nuri
