-- binarytrees: the Computer Language Benchmarks Game binary-trees (allocate and walk many
-- perfect binary trees; one long-lived tree stays alive throughout). Measures allocation,
-- memory management and recursion. Runs under Lua 5.4 and LuaJIT.
-- A node is a table { left, right }; a leaf has nil children.

local function bottomUpTree(depth)
  if depth > 0 then
    return { bottomUpTree(depth - 1), bottomUpTree(depth - 1) }
  end
  return { nil, nil }
end

local function itemCheck(tree)
  if tree[1] == nil then
    return 1
  end
  return 1 + itemCheck(tree[1]) + itemCheck(tree[2])
end

local function pow2(k)
  local p = 1
  for _ = 1, k do
    p = p * 2
  end
  return p
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 18
local minDepth = 4
local maxDepth = n > minDepth + 2 and n or minDepth + 2
local stretchDepth = maxDepth + 1

io.write(string.format("stretch tree of depth %d\t check: %d\n",
  stretchDepth, itemCheck(bottomUpTree(stretchDepth))))

local longLived = bottomUpTree(maxDepth)
for d = minDepth, maxDepth, 2 do
  local iterations = pow2(maxDepth - d + minDepth)
  local check = 0
  for _ = 1, iterations do
    check = check + itemCheck(bottomUpTree(d))
  end
  io.write(string.format("%d\t trees of depth %d\t check: %d\n", iterations, d, check))
end
io.write(string.format("long lived tree of depth %d\t check: %d\n", maxDepth, itemCheck(longLived)))
