// shapes: virtual and interface method calls. A fixed, pseudo-randomly generated array of
// circles, rectangles, squares and triangles is walked once per pass: area() and perimeter()
// are called through the base class Shape, corners() and longestSide() through the interface
// Polygon, and scale() through the interface Scalable. The shapes are scaled by 2 and 0.5 on
// alternate passes (exact in binary floating point), and the floating-point operations are done
// in the same order in every language version, so all print the same digits.
import java.util.Locale;

public class Bench {
    static final int COUNT = 1000;
    static final double PI = 3.141592653589793;

    static long seed = 42;

    // Park-Miller minimal standard generator: every intermediate value stays below 2^53.
    static long nextRandom() {
        seed = seed * 16807 % 2147483647;
        return seed;
    }

    static double randomLength() {
        return (nextRandom() % 64 + 1) * 0.25;
    }

    interface Polygon {
        int corners();
        double longestSide();
    }

    interface Scalable {
        void scale(double k);
    }

    static class Shape {
        double area() { return 0.0; }
        double perimeter() { return 0.0; }
    }

    static final class Circle extends Shape implements Scalable {
        double r;
        Circle(double r) { this.r = r; }
        @Override double area() { return PI * r * r; }
        @Override double perimeter() { return 2.0 * PI * r; }
        public void scale(double k) { r *= k; }
    }

    static class Rect extends Shape implements Polygon {
        double w, h;
        Rect(double w, double h) {
            this.w = w;
            this.h = h;
        }
        @Override double area() { return w * h; }
        @Override double perimeter() { return 2.0 * (w + h); }
        public int corners() { return 4; }
        public double longestSide() { return w > h ? w : h; }
    }

    static final class Square extends Rect implements Scalable {
        Square(double side) { super(side, side); }
        @Override double area() { return w * w; }
        @Override double perimeter() { return 4.0 * w; }
        public void scale(double k) {
            w *= k;
            h *= k;
        }
    }

    static final class Triangle extends Shape implements Polygon, Scalable {
        double a, b, c;
        Triangle(double a, double b, double c) {
            this.a = a;
            this.b = b;
            this.c = c;
        }
        @Override double area() {
            double s = (a + b + c) * 0.5;
            return Math.sqrt(s * (s - a) * (s - b) * (s - c));
        }
        @Override double perimeter() { return a + b + c; }
        public int corners() { return 3; }
        public double longestSide() {
            double m = a;
            if (b > m) m = b;
            if (c > m) m = c;
            return m;
        }
        public void scale(double k) {
            a *= k;
            b *= k;
            c *= k;
        }
    }

    static Shape makeShape() {
        long kind = nextRandom() % 4;
        if (kind == 0) {
            return new Circle(randomLength());
        } else if (kind == 1) {
            double w = randomLength();
            double h = randomLength();
            return new Rect(w, h);
        } else if (kind == 2) {
            return new Square(randomLength());
        }
        double a = randomLength();
        double b = randomLength();
        double longer = a > b ? a : b;
        double shorter = a > b ? b : a;
        double c = longer + shorter * ((nextRandom() % 4) * 0.25);
        return new Triangle(a, b, c);
    }

    public static void main(String[] args) {
        int passes = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        Shape[] shapes = new Shape[COUNT];
        int polygonCount = 0;
        int scalableCount = 0;
        for (int i = 0; i < COUNT; i++) {
            Shape s = makeShape();
            shapes[i] = s;
            if (s instanceof Polygon) polygonCount++;
            if (s instanceof Scalable) scalableCount++;
        }
        Polygon[] polygons = new Polygon[polygonCount];
        Scalable[] scalables = new Scalable[scalableCount];
        int np = 0;
        int ns = 0;
        for (Shape s : shapes) {
            if (s instanceof Polygon) polygons[np++] = (Polygon) s;
            if (s instanceof Scalable) scalables[ns++] = (Scalable) s;
        }

        double total = 0.0;
        long corners = 0;
        double longest = 0.0;
        for (int p = 0; p < passes; p++) {
            double k = p % 2 == 0 ? 2.0 : 0.5;
            double sum = 0.0;
            for (Shape s : shapes) {
                sum += s.area() + s.perimeter();
            }
            for (Polygon q : polygons) {
                corners += q.corners();
                longest += q.longestSide();
            }
            for (Scalable x : scalables) {
                x.scale(k);
            }
            total += sum;
        }
        System.out.println(polygonCount + " polygons, " + scalableCount + " scalable");
        System.out.println(String.format(Locale.ROOT, "%.9f", total / ((double) passes * COUNT)));
        System.out.println(corners);
        System.out.println(String.format(Locale.ROOT, "%.9f", longest / passes));
    }
}
