// shapes: virtual and interface method calls. A fixed, pseudo-randomly generated array of
// circles, rectangles, squares and triangles is walked once per pass: area() and perimeter()
// are called through the base class Shape, corners() and longestSide() through the interface
// Polygon, and scale() through the interface Scalable. The shapes are scaled by 2 and 0.5 on
// alternate passes (exact in binary floating point), and the floating-point operations are done
// in the same order in every language version, so all print the same digits.
// Dispatch is done as a compiler for a class-based language would: every object starts with a
// pointer to its class's table of function pointers, which also points to the class's table for
// each interface it implements (NULL when it does not).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT 1000
static const double PI = 3.141592653589793;

static long long seed = 42;

// Park-Miller minimal standard generator: every intermediate value stays below 2^53.
static long long nextRandom(void) {
    seed = seed * 16807 % 2147483647;
    return seed;
}

static double randomLength(void) {
    return (double)(nextRandom() % 64 + 1) * 0.25;
}

typedef struct Shape Shape;

typedef struct {
    int (*corners)(Shape *self);
    double (*longestSide)(Shape *self);
} PolygonTable;

typedef struct {
    void (*scale)(Shape *self, double k);
} ScalableTable;

typedef struct {
    double (*area)(Shape *self);
    double (*perimeter)(Shape *self);
    const PolygonTable *polygon;    // NULL: does not implement Polygon
    const ScalableTable *scalable;  // NULL: does not implement Scalable
} ShapeClass;

struct Shape {
    const ShapeClass *cls;
};

typedef struct {
    Shape base;
    double r;
} Circle;

typedef struct {
    Shape base;
    double w, h;
} Rect;  // also the layout of Square, which extends Rect

typedef struct {
    Shape base;
    double a, b, c;
} Triangle;

// Circle
static double circleArea(Shape *self) {
    Circle *o = (Circle *)self;
    return PI * o->r * o->r;
}
static double circlePerimeter(Shape *self) {
    Circle *o = (Circle *)self;
    return 2.0 * PI * o->r;
}
static void circleScale(Shape *self, double k) {
    Circle *o = (Circle *)self;
    o->r *= k;
}
static const ScalableTable circleScalable = {circleScale};
static const ShapeClass circleClass = {circleArea, circlePerimeter, NULL, &circleScalable};

// Rect
static double rectArea(Shape *self) {
    Rect *o = (Rect *)self;
    return o->w * o->h;
}
static double rectPerimeter(Shape *self) {
    Rect *o = (Rect *)self;
    return 2.0 * (o->w + o->h);
}
static int rectCorners(Shape *self) {
    (void)self;
    return 4;
}
static double rectLongestSide(Shape *self) {
    Rect *o = (Rect *)self;
    return o->w > o->h ? o->w : o->h;
}
static const PolygonTable rectPolygon = {rectCorners, rectLongestSide};
static const ShapeClass rectClass = {rectArea, rectPerimeter, &rectPolygon, NULL};

// Square extends Rect (inherits corners and longestSide)
static double squareArea(Shape *self) {
    Rect *o = (Rect *)self;
    return o->w * o->w;
}
static double squarePerimeter(Shape *self) {
    Rect *o = (Rect *)self;
    return 4.0 * o->w;
}
static void squareScale(Shape *self, double k) {
    Rect *o = (Rect *)self;
    o->w *= k;
    o->h *= k;
}
static const ScalableTable squareScalable = {squareScale};
static const ShapeClass squareClass = {squareArea, squarePerimeter, &rectPolygon, &squareScalable};

// Triangle
static double triangleArea(Shape *self) {
    Triangle *o = (Triangle *)self;
    double s = (o->a + o->b + o->c) * 0.5;
    return sqrt(s * (s - o->a) * (s - o->b) * (s - o->c));
}
static double trianglePerimeter(Shape *self) {
    Triangle *o = (Triangle *)self;
    return o->a + o->b + o->c;
}
static int triangleCorners(Shape *self) {
    (void)self;
    return 3;
}
static double triangleLongestSide(Shape *self) {
    Triangle *o = (Triangle *)self;
    double m = o->a;
    if (o->b > m) m = o->b;
    if (o->c > m) m = o->c;
    return m;
}
static void triangleScale(Shape *self, double k) {
    Triangle *o = (Triangle *)self;
    o->a *= k;
    o->b *= k;
    o->c *= k;
}
static const PolygonTable trianglePolygon = {triangleCorners, triangleLongestSide};
static const ScalableTable triangleScalable = {triangleScale};
static const ShapeClass triangleClass = {triangleArea, trianglePerimeter, &trianglePolygon,
                                         &triangleScalable};

static Shape *newRect(const ShapeClass *cls, double w, double h) {
    Rect *o = malloc(sizeof *o);
    o->base.cls = cls;
    o->w = w;
    o->h = h;
    return &o->base;
}

static Shape *makeShape(void) {
    long long kind = nextRandom() % 4;
    if (kind == 0) {
        Circle *o = malloc(sizeof *o);
        o->base.cls = &circleClass;
        o->r = randomLength();
        return &o->base;
    } else if (kind == 1) {
        double w = randomLength();
        double h = randomLength();
        return newRect(&rectClass, w, h);
    } else if (kind == 2) {
        double side = randomLength();
        return newRect(&squareClass, side, side);
    }
    double a = randomLength();
    double b = randomLength();
    double longer = a > b ? a : b;
    double shorter = a > b ? b : a;
    double c = longer + shorter * ((double)(nextRandom() % 4) * 0.25);
    Triangle *o = malloc(sizeof *o);
    o->base.cls = &triangleClass;
    o->a = a;
    o->b = b;
    o->c = c;
    return &o->base;
}

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 6000;
    Shape *shapes[COUNT];
    Shape *polygons[COUNT];
    Shape *scalables[COUNT];
    int polygonCount = 0;
    int scalableCount = 0;
    for (int i = 0; i < COUNT; i++) {
        Shape *s = makeShape();
        shapes[i] = s;
        if (s->cls->polygon != NULL) polygons[polygonCount++] = s;
        if (s->cls->scalable != NULL) scalables[scalableCount++] = s;
    }

    double total = 0.0;
    long long corners = 0;
    double longest = 0.0;
    for (int p = 0; p < passes; p++) {
        double k = p % 2 == 0 ? 2.0 : 0.5;
        double sum = 0.0;
        for (int i = 0; i < COUNT; i++) {
            Shape *s = shapes[i];
            sum += s->cls->area(s) + s->cls->perimeter(s);
        }
        for (int i = 0; i < polygonCount; i++) {
            Shape *q = polygons[i];
            const PolygonTable *t = q->cls->polygon;
            corners += t->corners(q);
            longest += t->longestSide(q);
        }
        for (int i = 0; i < scalableCount; i++) {
            Shape *x = scalables[i];
            x->cls->scalable->scale(x, k);
        }
        total += sum;
    }
    printf("%d polygons, %d scalable\n", polygonCount, scalableCount);
    printf("%.9f\n", total / ((double)passes * COUNT));
    printf("%lld\n", corners);
    printf("%.9f\n", longest / passes);
    for (int i = 0; i < COUNT; i++) free(shapes[i]);
    return 0;
}
