// shapes: virtual and interface method calls. A fixed, pseudo-randomly generated array of
// circles, rectangles, squares and triangles is walked once per pass: area() and perimeter()
// are called through the base class Shape, corners() and longestSide() through the interface
// Polygon, and scale() through the interface Scalable. The shapes are scaled by 2 and 0.5 on
// alternate passes (exact in binary floating point), and the floating-point operations are done
// in the same order in every language version, so all print the same digits.
// JavaScript has no interfaces: they are duck-typed, tested by the presence of the method.
"use strict";

const COUNT = 1000;
const PI = 3.141592653589793;

let seed = 42;

// Park-Miller minimal standard generator: every intermediate value stays below 2^53.
function nextRandom() {
    seed = (seed * 16807) % 2147483647;
    return seed;
}

function randomLength() {
    return ((nextRandom() % 64) + 1) * 0.25;
}

class Shape {
    area() { return 0.0; }
    perimeter() { return 0.0; }
}

class Circle extends Shape {
    constructor(r) {
        super();
        this.r = r;
    }
    area() { return PI * this.r * this.r; }
    perimeter() { return 2.0 * PI * this.r; }
    scale(k) { this.r *= k; }
}

class Rect extends Shape {
    constructor(w, h) {
        super();
        this.w = w;
        this.h = h;
    }
    area() { return this.w * this.h; }
    perimeter() { return 2.0 * (this.w + this.h); }
    corners() { return 4; }
    longestSide() { return this.w > this.h ? this.w : this.h; }
}

class Square extends Rect {
    constructor(side) {
        super(side, side);
    }
    area() { return this.w * this.w; }
    perimeter() { return 4.0 * this.w; }
    scale(k) {
        this.w *= k;
        this.h *= k;
    }
}

class Triangle extends Shape {
    constructor(a, b, c) {
        super();
        this.a = a;
        this.b = b;
        this.c = c;
    }
    area() {
        const s = (this.a + this.b + this.c) * 0.5;
        return Math.sqrt(s * (s - this.a) * (s - this.b) * (s - this.c));
    }
    perimeter() { return this.a + this.b + this.c; }
    corners() { return 3; }
    longestSide() {
        let m = this.a;
        if (this.b > m) m = this.b;
        if (this.c > m) m = this.c;
        return m;
    }
    scale(k) {
        this.a *= k;
        this.b *= k;
        this.c *= k;
    }
}

function isPolygon(s) { return typeof s.corners === "function"; }
function isScalable(s) { return typeof s.scale === "function"; }

function makeShape() {
    const kind = nextRandom() % 4;
    if (kind === 0) {
        return new Circle(randomLength());
    } else if (kind === 1) {
        const w = randomLength();
        const h = randomLength();
        return new Rect(w, h);
    } else if (kind === 2) {
        return new Square(randomLength());
    }
    const a = randomLength();
    const b = randomLength();
    const longer = a > b ? a : b;
    const shorter = a > b ? b : a;
    const c = longer + shorter * ((nextRandom() % 4) * 0.25);
    return new Triangle(a, b, c);
}

function main() {
    const passes = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 6000;
    const shapes = [];
    const polygons = [];
    const scalables = [];
    for (let i = 0; i < COUNT; i++) {
        const s = makeShape();
        shapes.push(s);
        if (isPolygon(s)) polygons.push(s);
        if (isScalable(s)) scalables.push(s);
    }

    let total = 0.0;
    let corners = 0;
    let longest = 0.0;
    for (let p = 0; p < passes; p++) {
        const k = p % 2 === 0 ? 2.0 : 0.5;
        let sum = 0.0;
        for (const s of shapes) {
            sum += s.area() + s.perimeter();
        }
        for (const q of polygons) {
            corners += q.corners();
            longest += q.longestSide();
        }
        for (const x of scalables) {
            x.scale(k);
        }
        total += sum;
    }
    console.log(`${polygons.length} polygons, ${scalables.length} scalable`);
    console.log((total / (passes * COUNT)).toFixed(9));
    console.log(String(corners));
    console.log((longest / passes).toFixed(9));
}

main();
