-- fib: naive doubly recursive Fibonacci. Measures calls and integer arithmetic.
-- Runs under Lua 5.4 and LuaJIT.

local function fib(n)
  if n < 2 then
    return n
  end
  return fib(n - 1) + fib(n - 2)
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 32
io.write(string.format("%d\n", fib(n)))
