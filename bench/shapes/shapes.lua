-- shapes: virtual and interface method calls. A fixed, pseudo-randomly generated array of
-- circles, rectangles, squares and triangles is walked once per pass: area() and perimeter()
-- are called through the base class Shape, corners() and longestSide() through the interface
-- Polygon, and scale() through the interface Scalable. The shapes are scaled by 2 and 0.5 on
-- alternate passes (exact in binary floating point), and the floating-point operations are done
-- in the same order in every language version, so all print the same digits.
-- Runs under Lua 5.4 and LuaJIT. Classes are metatables chained through __index; the
-- interfaces are duck-typed, with a marker field for the `is` tests while building.

local sqrt = math.sqrt

local COUNT = 1000
local PI = 3.141592653589793

local seed = 42

-- Park-Miller minimal standard generator: every intermediate value stays below 2^53.
local function nextRandom()
  seed = seed * 16807 % 2147483647
  return seed
end

local function randomLength()
  return (nextRandom() % 64 + 1) * 0.25
end

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end

local Shape = class(nil)
function Shape:area() return 0.0 end
function Shape:perimeter() return 0.0 end

local Circle = class(Shape)
Circle.isScalable = true
function Circle.new(r) return setmetatable({ r = r }, Circle) end
function Circle:area() return PI * self.r * self.r end
function Circle:perimeter() return 2.0 * PI * self.r end
function Circle:scale(k) self.r = self.r * k end

local Rect = class(Shape)
Rect.isPolygon = true
function Rect.new(w, h) return setmetatable({ w = w, h = h }, Rect) end
function Rect:area() return self.w * self.h end
function Rect:perimeter() return 2.0 * (self.w + self.h) end
function Rect:corners() return 4 end
function Rect:longestSide()
  if self.w > self.h then return self.w else return self.h end
end

local Square = class(Rect)
Square.isScalable = true
function Square.new(side) return setmetatable({ w = side, h = side }, Square) end
function Square:area() return self.w * self.w end
function Square:perimeter() return 4.0 * self.w end
function Square:scale(k)
  self.w = self.w * k
  self.h = self.h * k
end

local Triangle = class(Shape)
Triangle.isPolygon = true
Triangle.isScalable = true
function Triangle.new(a, b, c) return setmetatable({ a = a, b = b, c = c }, Triangle) end
function Triangle:area()
  local s = (self.a + self.b + self.c) * 0.5
  return sqrt(s * (s - self.a) * (s - self.b) * (s - self.c))
end
function Triangle:perimeter() return self.a + self.b + self.c end
function Triangle:corners() return 3 end
function Triangle:longestSide()
  local m = self.a
  if self.b > m then m = self.b end
  if self.c > m then m = self.c end
  return m
end
function Triangle:scale(k)
  self.a = self.a * k
  self.b = self.b * k
  self.c = self.c * k
end

local function makeShape()
  local kind = nextRandom() % 4
  if kind == 0 then
    return Circle.new(randomLength())
  elseif kind == 1 then
    local w = randomLength()
    local h = randomLength()
    return Rect.new(w, h)
  elseif kind == 2 then
    return Square.new(randomLength())
  end
  local a = randomLength()
  local b = randomLength()
  local longer, shorter
  if a > b then longer, shorter = a, b else longer, shorter = b, a end
  local c = longer + shorter * ((nextRandom() % 4) * 0.25)
  return Triangle.new(a, b, c)
end

local passes = arg[1] and math.floor(tonumber(arg[1])) or 6000
local shapes, polygons, scalables = {}, {}, {}
for i = 1, COUNT do
  local s = makeShape()
  shapes[i] = s
  if s.isPolygon then polygons[#polygons + 1] = s end
  if s.isScalable then scalables[#scalables + 1] = s end
end

local total = 0.0
local corners = 0
local longest = 0.0
for p = 0, passes - 1 do
  local k
  if p % 2 == 0 then k = 2.0 else k = 0.5 end
  local sum = 0.0
  for i = 1, #shapes do
    local s = shapes[i]
    sum = sum + (s:area() + s:perimeter())
  end
  for i = 1, #polygons do
    local q = polygons[i]
    corners = corners + q:corners()
    longest = longest + q:longestSide()
  end
  for i = 1, #scalables do
    scalables[i]:scale(k)
  end
  total = total + sum
end
io.write(string.format("%d polygons, %d scalable\n", #polygons, #scalables))
io.write(string.format("%.9f\n", total / (passes * COUNT)))
io.write(string.format("%d\n", corners))
io.write(string.format("%.9f\n", longest / passes))
