// fib: naive doubly recursive Fibonacci. Measures calls and integer arithmetic.
public class Bench {
    static long fib(long n) {
        if (n < 2) {
            return n;
        }
        return fib(n - 1) + fib(n - 2);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        System.out.println(fib(n));
    }
}
