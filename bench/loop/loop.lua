-- loop: a long counted loop of cheap integer arithmetic (multiply, add, remainder).
-- Runs under Lua 5.4 (integers) and LuaJIT (doubles; every value stays below 2^53).

local function run(n)
  local s = 0
  for i = 0, n - 1 do
    s = (s * 31 + i) % 1000003
  end
  return s
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 100000000
io.write(string.format("%d\n", run(n)))
