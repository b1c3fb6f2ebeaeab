// closures: creating and calling function values. Every round builds new closures (adders and
// scalers returned by higher-order functions, their compositions, and one closure per array
// element capturing a running total by reference), maps and folds an array with them, and calls
// a counter closure that updates a captured variable. All arithmetic is on integers kept below
// 2^31 by `% 1000003`, so every language (including those with only doubles) computes the same.
// Java lambdas capture only effectively final variables, so a captured variable that changes
// lives in a one-element array (a box), which is what the other languages do behind the scenes.
import java.util.function.IntBinaryOperator;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;

public class Bench {
    static final int MOD = 1000003;
    static final int LENGTH = 100;

    static IntUnaryOperator makeAdder(int k) {
        return x -> (x + k) % MOD;
    }

    static IntUnaryOperator makeScaler(int m) {
        return x -> x * m % MOD;
    }

    static IntUnaryOperator compose(IntUnaryOperator f, IntUnaryOperator g) {
        return x -> g.applyAsInt(f.applyAsInt(x));
    }

    static int[] mapArray(int[] xs, IntUnaryOperator f) {
        int[] out = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = f.applyAsInt(xs[i]);
        }
        return out;
    }

    static int fold(int[] xs, int initial, IntBinaryOperator f) {
        int acc = initial;
        for (int x : xs) {
            acc = f.applyAsInt(acc, x);
        }
        return acc;
    }

    static IntSupplier makeCounter(int step) {
        int[] count = {0};
        return () -> {
            count[0] = (count[0] + step) % MOD;
            return count[0];
        };
    }

    // One new closure per element, capturing the element and (by reference) the running total.
    static int chain(int[] xs) {
        int[] total = {0};
        for (int i = 0; i < xs.length; i++) {
            int x = xs[i];
            IntUnaryOperator step = y -> (x + y + total[0]) % MOD;
            total[0] = step.applyAsInt(i);
        }
        return total[0];
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60000;
        int[] data = new int[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            data[i] = i * 7919 % MOD;
        }
        IntUnaryOperator[] stages = new IntUnaryOperator[8];
        for (int j = 0; j < 8; j++) {
            if (j % 2 == 0) {
                stages[j] = makeAdder(j * 13 + 1);
            } else {
                stages[j] = makeScaler(j + 2);
            }
        }
        IntSupplier counter = makeCounter(7);
        int[] calls = {0};
        IntBinaryOperator mix = (acc, x) -> {
            calls[0] += 1;
            return (acc * 31 + x) % MOD;
        };

        int check = 0;
        for (int r = 0; r < rounds; r++) {
            IntUnaryOperator f = compose(makeAdder(r % 10), makeScaler(r % 7 + 2));
            IntUnaryOperator g = compose(f, stages[r % 8]);
            int[] mapped = mapArray(data, g);
            check = (check + fold(mapped, r % MOD, mix)) % MOD;
            check = (check + chain(mapped)) % MOD;
            int v = counter.getAsInt();
            for (IntUnaryOperator s : stages) {
                v = s.applyAsInt(v);
            }
            check = (check + v) % MOD;
        }
        System.out.println(check);
        System.out.println(calls[0]);
        System.out.println(counter.getAsInt());
    }
}
