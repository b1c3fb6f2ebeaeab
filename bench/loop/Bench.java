// loop: a long counted loop of cheap integer arithmetic (multiply, add, remainder).
public class Bench {
    static long run(long n) {
        long s = 0;
        for (long i = 0; i < n; i++) {
            s = (s * 31 + i) % 1000003;
        }
        return s;
    }

    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 100000000L;
        System.out.println(run(n));
    }
}
