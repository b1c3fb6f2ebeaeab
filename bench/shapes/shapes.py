# shapes: virtual and interface method calls. A fixed, pseudo-randomly generated array of
# circles, rectangles, squares and triangles is walked once per pass: area() and perimeter()
# are called through the base class Shape, corners() and longestSide() through the interface
# Polygon, and scale() through the interface Scalable. The shapes are scaled by 2 and 0.5 on
# alternate passes (exact in binary floating point), and the floating-point operations are done
# in the same order in every language version, so all print the same digits.
import math
import sys

COUNT = 1000
PI = 3.141592653589793

seed = 42


# Park-Miller minimal standard generator: every intermediate value stays below 2^53.
def next_random():
    global seed
    seed = seed * 16807 % 2147483647
    return seed


def random_length():
    return (next_random() % 64 + 1) * 0.25


class Polygon:
    """Interface: corners(), longest_side()."""
    __slots__ = ()


class Scalable:
    """Interface: scale(k)."""
    __slots__ = ()


class Shape:
    __slots__ = ()

    def area(self):
        return 0.0

    def perimeter(self):
        return 0.0


class Circle(Shape, Scalable):
    __slots__ = ("r",)

    def __init__(self, r):
        self.r = r

    def area(self):
        return PI * self.r * self.r

    def perimeter(self):
        return 2.0 * PI * self.r

    def scale(self, k):
        self.r *= k


class Rect(Shape, Polygon):
    __slots__ = ("w", "h")

    def __init__(self, w, h):
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h

    def perimeter(self):
        return 2.0 * (self.w + self.h)

    def corners(self):
        return 4

    def longest_side(self):
        return self.w if self.w > self.h else self.h


class Square(Rect, Scalable):
    __slots__ = ()

    def __init__(self, side):
        super().__init__(side, side)

    def area(self):
        return self.w * self.w

    def perimeter(self):
        return 4.0 * self.w

    def scale(self, k):
        self.w *= k
        self.h *= k


class Triangle(Shape, Polygon, Scalable):
    __slots__ = ("a", "b", "c")

    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c

    def area(self):
        a, b, c = self.a, self.b, self.c
        s = (a + b + c) * 0.5
        return math.sqrt(s * (s - a) * (s - b) * (s - c))

    def perimeter(self):
        return self.a + self.b + self.c

    def corners(self):
        return 3

    def longest_side(self):
        m = self.a
        if self.b > m:
            m = self.b
        if self.c > m:
            m = self.c
        return m

    def scale(self, k):
        self.a *= k
        self.b *= k
        self.c *= k


def make_shape():
    kind = next_random() % 4
    if kind == 0:
        return Circle(random_length())
    elif kind == 1:
        w = random_length()
        h = random_length()
        return Rect(w, h)
    elif kind == 2:
        return Square(random_length())
    a = random_length()
    b = random_length()
    longer = a if a > b else b
    shorter = b if a > b else a
    c = longer + shorter * ((next_random() % 4) * 0.25)
    return Triangle(a, b, c)


def main():
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    shapes = [make_shape() for _ in range(COUNT)]
    polygons = [s for s in shapes if isinstance(s, Polygon)]
    scalables = [s for s in shapes if isinstance(s, Scalable)]

    total = 0.0
    corners = 0
    longest = 0.0
    for p in range(passes):
        k = 2.0 if p % 2 == 0 else 0.5
        total_pass = 0.0
        for s in shapes:
            total_pass += s.area() + s.perimeter()
        for q in polygons:
            corners += q.corners()
            longest += q.longest_side()
        for x in scalables:
            x.scale(k)
        total += total_pass
    print(f"{len(polygons)} polygons, {len(scalables)} scalable")
    print("%.9f" % (total / (passes * COUNT)))
    print(corners)
    print("%.9f" % (longest / passes))


main()
