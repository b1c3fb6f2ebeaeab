#include "compiler/suggest.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace nuri {

namespace {

// What other languages call Nuri's names (Kotlin, Java, Python, JavaScript, C++).
struct Alias {
  const char* other;
  const char* nuri;
};
constexpr Alias kAliases[] = {
    {"size", "length"},       {"count", "length"},
    {"len", "length"},        {"push", "add"},
    {"append", "add"},        {"push_back", "add"},
    {"pop", "removeLast"},    {"toUpperCase", "upper"},
    {"toLowerCase", "lower"}, {"toUpper", "upper"},
    {"toLower", "lower"},     {"uppercase", "upper"},
    {"lowercase", "lower"},   {"strip", "trim"},
    {"substr", "substring"},  {"slice", "substring"},
    {"find", "indexOf"},      {"includes", "contains"},
    {"has", "contains"},      {"charCodeAt", "codePointAt"},
    {"parseInt", "toInt"},    {"toInteger", "toInt"},
    {"toDouble", "toFloat"},  {"parseFloat", "toFloat"},
    {"str", "toString"},      {"keySet", "keys"},
    {"empty", "isEmpty"},     {"remove", "removeAt"},
    {"sorted", "sort"},       {"forEachIndexed", "withIndex"},
    {"puts", "println"},      {"printf", "print"},
    {"echo", "println"},      {"double", "float"},
    {"Int", "int"},           {"Float", "float"},
    {"Double", "float"},      {"Boolean", "bool"},
    {"boolean", "bool"},      {"String", "string"},
    {"str", "string"},        {"long", "int"},
    {"Long", "int"},          {"Integer", "int"},
    {"ArrayList", "List"},    {"HashMap", "Map"},
    {"HashSet", "Set"},       {"MutableList", "List"},
    {"MutableMap", "Map"},    {"dict", "Map"},
    {"list", "List"},         {"set", "Set"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Edits (insert, delete, replace, swap of neighbours) from `a` to `b`, or more than `limit`.
size_t editDistance(std::string_view a, std::string_view b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); i++)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); j++)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    for (size_t j = 1; j <= b.size(); j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

} // namespace

std::string suggestName(const std::string& name, const std::vector<std::string>& candidates) {
  // Names longer than this are not words anyone misspelled.
  constexpr size_t kLongest = 64;
  if (name.empty() || name.size() > kLongest) return "";
  auto has = [&](const std::string& c) {
    return std::find(candidates.begin(), candidates.end(), c) != candidates.end();
  };
  for (const Alias& alias : kAliases)
    if (name == alias.other && has(alias.nuri)) return alias.nuri;
  std::string folded = lower(name);
  size_t limit = name.size() <= 4 ? 1 : name.size() <= 8 ? 2 : 3;
  std::string best;
  size_t bestDistance = limit + 1;
  for (const std::string& c : candidates) {
    // A misspelling keeps its first letter (`lenght`, `totl`); `decrement` is no `increment`.
    if (c == name || c.size() > kLongest || lower(c.substr(0, 1)) != folded.substr(0, 1)) continue;
    size_t distance = lower(c) == folded ? 0 : editDistance(folded, lower(c), limit);
    // Ties go to the first in byte order, so that messages do not depend on hash order.
    if (distance >= c.size()) continue;
    if (distance < bestDistance || (distance == bestDistance && c < best)) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

std::string didYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string s = suggestName(name, candidates);
  return s.empty() ? "" : " (did you mean `" + s + "`?)";
}

} // namespace nuri
