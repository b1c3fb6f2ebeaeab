-- closures: creating and calling function values. Every round builds new closures (adders and
-- scalers returned by higher-order functions, their compositions, and one closure per array
-- element capturing a running total by reference), maps and folds an array with them, and calls
-- a counter closure that updates a captured variable. All arithmetic is on integers kept below
-- 2^31 by `% 1000003`, so every language (including those with only doubles) computes the same.
-- Runs under Lua 5.4 and LuaJIT.

local MOD = 1000003
local LENGTH = 100

local function makeAdder(k)
  return function(x) return (x + k) % MOD end
end

local function makeScaler(m)
  return function(x) return x * m % MOD end
end

local function compose(f, g)
  return function(x) return g(f(x)) end
end

local function mapArray(xs, f)
  local out = {}
  for i = 1, #xs do
    out[i] = f(xs[i])
  end
  return out
end

local function fold(xs, initial, f)
  local acc = initial
  for i = 1, #xs do
    acc = f(acc, xs[i])
  end
  return acc
end

local function makeCounter(step)
  local count = 0
  return function()
    count = (count + step) % MOD
    return count
  end
end

-- One new closure per element, capturing the element and (by reference) the running total.
-- The element index is 0-based, as in the other versions.
local function chain(xs)
  local total = 0
  for i = 1, #xs do
    local x = xs[i]
    local step = function(y) return (x + y + total) % MOD end
    total = step(i - 1)
  end
  return total
end

local rounds = arg[1] and math.floor(tonumber(arg[1])) or 60000
local data = {}
for i = 0, LENGTH - 1 do
  data[i + 1] = i * 7919 % MOD
end
local stages = {}
for j = 0, 7 do
  if j % 2 == 0 then
    stages[j + 1] = makeAdder(j * 13 + 1)
  else
    stages[j + 1] = makeScaler(j + 2)
  end
end
local counter = makeCounter(7)
local calls = 0
local function mix(acc, x)
  calls = calls + 1
  return (acc * 31 + x) % MOD
end

local check = 0
for r = 0, rounds - 1 do
  local f = compose(makeAdder(r % 10), makeScaler(r % 7 + 2))
  local g = compose(f, stages[r % 8 + 1])
  local mapped = mapArray(data, g)
  check = (check + fold(mapped, r % MOD, mix)) % MOD
  check = (check + chain(mapped)) % MOD
  local v = counter()
  for i = 1, #stages do
    v = stages[i](v)
  end
  check = (check + v) % MOD
end
io.write(string.format("%d\n%d\n%d\n", check, calls, counter()))
