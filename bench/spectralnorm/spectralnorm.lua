-- spectralnorm: the Computer Language Benchmarks Game spectral norm of the infinite matrix
-- A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by 10 rounds of the power method on A^T A.
-- Measures floating-point loops over arrays and small function calls.
-- Runs under Lua 5.4 and LuaJIT. Arrays are 1-based; i and j below are the 0-based indices.

local function evalA(i, j)
  -- (i + j) * (i + j + 1) is always even, so the float division is exact.
  return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1)
end

local function multiplyAv(n, v, av)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do
      sum = sum + evalA(i, j) * v[j + 1]
    end
    av[i + 1] = sum
  end
end

local function multiplyAtv(n, v, atv)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do
      sum = sum + evalA(j, i) * v[j + 1]
    end
    atv[i + 1] = sum
  end
end

local function multiplyAtAv(n, v, out, tmp)
  multiplyAv(n, v, tmp)
  multiplyAtv(n, tmp, out)
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 2000
local u, v, tmp = {}, {}, {}
for i = 1, n do
  u[i] = 1.0
  v[i] = 0.0
  tmp[i] = 0.0
end
for _ = 1, 10 do
  multiplyAtAv(n, u, v, tmp)
  multiplyAtAv(n, v, u, tmp)
end
local vBv, vv = 0.0, 0.0
for i = 1, n do
  vBv = vBv + u[i] * v[i]
  vv = vv + v[i] * v[i]
end
io.write(string.format("%.9f\n", math.sqrt(vBv / vv)))
