// "Did you mean ...?" for a name that is not there: the candidate a user most likely meant, by
// the names other languages use for the same thing (`size` for `length`) or by spelling.
#pragma once

#include <string>
#include <vector>

namespace nuri {

// The candidate `name` most likely stands for, or "" when none is close: the one other
// languages' name for it names (`size`, `count`, `len` -> `length`; `push` -> `add`), else the
// nearest in spelling with the same first letter (letter case aside, at most one edit in 4
// letters, two in 8, three).
std::string suggestName(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean `x`?)" for suggestName's answer, or "" when there is none.
std::string didYouMean(const std::string& name, const std::vector<std::string>& candidates);

} // namespace nuri
