-- wordfreq: word frequencies over a generated text (a string-keyed hash map and string
-- operations). A vocabulary of 1000 words is built by concatenating syllables (word i spells
-- i + 20 in base 20, one syllable per digit, so all words are distinct). The text is generated
-- line by line from a Park-Miller generator: each line has 5 to 20 words, drawn with a skewed
-- (roughly logarithmic) distribution, joined with spaces into one string, split on spaces again,
-- and every word is counted in a table. At the end the distinct words are sorted by count
-- (descending), then by the word itself (ascending, byte order), and the top 10 printed.
-- Runs under Lua 5.4 and LuaJIT (no `//`: the integer division uses math.floor).

local SYLLABLES = { "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "ve", "za",
                    "bo", "du", "fi", "ge", "ha", "ju", "ne", "po", "ri", "su" }
local VOCAB = 1000
local TOP = 10

local seed = 42

-- Park-Miller minimal standard generator: every intermediate value stays below 2^53.
local function nextRandom()
  seed = seed * 16807 % 2147483647
  return seed
end

local function makeWord(i)
  local base = #SYLLABLES
  local v = i + base
  local word = ""
  while v > 0 do
    word = SYLLABLES[v % base + 1] .. word
    v = math.floor(v / base)
  end
  return word
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 4000000
local vocab = {}
for i = 0, VOCAB - 1 do vocab[i] = makeWord(i) end

local counts = {}
local distinct = 0
local total = 0
local chars = 0
local generated = 0
local gmatch, concat = string.gmatch, table.concat
while generated < n do
  local len = nextRandom() % 16 + 5
  if len > n - generated then len = n - generated end
  local parts = {}
  for j = 1, len do
    local r = nextRandom() % VOCAB + 1
    parts[j] = vocab[nextRandom() % r]
  end
  local line = concat(parts, " ")
  chars = chars + #line
  for w in gmatch(line, "[^ ]+") do
    local c = counts[w]
    if c then
      counts[w] = c + 1
    else
      counts[w] = 1
      distinct = distinct + 1
    end
    total = total + 1
  end
  generated = generated + len
end

local words = {}
for w in pairs(counts) do words[#words + 1] = w end
table.sort(words, function(a, b)
  local ca, cb = counts[a], counts[b]
  if ca ~= cb then return ca > cb end
  return a < b
end)
io.write(string.format("distinct words: %d\n", distinct))
io.write(string.format("total words: %d\n", total))
io.write(string.format("characters: %d\n", chars))
for i = 1, math.min(#words, TOP) do
  io.write(string.format("%s %d\n", words[i], counts[words[i]]))
end
