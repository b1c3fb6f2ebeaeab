-- fannkuch: the Computer Language Benchmarks Game fannkuch-redux (sequential). For every
-- permutation of 0..n-1 (in the benchmark's order), count the prefix reversals until 0 comes
-- first; print the alternating checksum and the maximum count. Measures small integer-array
-- loops. Runs under Lua 5.4 and LuaJIT.
-- Arrays are 1-based: element i of the other versions is t[i + 1] here; the values stored in
-- perm and perm1 are the same 0-based numbers as elsewhere.

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do
    perm[i] = 0
    perm1[i] = i - 1
    count[i] = 0
  end
  local maxFlips, permCount, checksum = 0, 0, 0
  local r = n
  while true do
    while r ~= 1 do
      count[r] = r -- count[r - 1] in 0-based terms
      r = r - 1
    end
    for i = 1, n do
      perm[i] = perm1[i]
    end
    local flips = 0
    local k = perm[1]
    while k ~= 0 do
      local lo = 1
      local hi = k + 1
      while lo < hi do
        local t = perm[lo]
        perm[lo] = perm[hi]
        perm[hi] = t
        lo = lo + 1
        hi = hi - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > maxFlips then
      maxFlips = flips
    end
    if permCount % 2 == 0 then
      checksum = checksum + flips
    else
      checksum = checksum - flips
    end
    -- Next permutation: rotate the first r+1 elements, counting down per level.
    while true do
      if r == n then
        io.write(string.format("%d\nPfannkuchen(%d) = %d\n", checksum, n, maxFlips))
        return
      end
      local perm0 = perm1[1]
      for i = 1, r do
        perm1[i] = perm1[i + 1]
      end
      perm1[r + 1] = perm0
      count[r + 1] = count[r + 1] - 1 -- count[r] in 0-based terms
      if count[r + 1] > 0 then
        break
      end
      r = r + 1
    end
    permCount = permCount + 1
  end
end

local n = arg[1] and math.floor(tonumber(arg[1])) or 10
fannkuch(n)
