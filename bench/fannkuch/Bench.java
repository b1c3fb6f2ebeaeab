// fannkuch: the Computer Language Benchmarks Game fannkuch-redux (sequential). For every
// permutation of 0..n-1 (in the benchmark's order), count the prefix reversals until 0 comes
// first; print the alternating checksum and the maximum count. Measures small integer-array
// loops.
public class Bench {
    static void fannkuch(int n) {
        int[] perm = new int[n];
        int[] perm1 = new int[n];
        int[] count = new int[n];
        long maxFlips = 0, permCount = 0, checksum = 0;
        for (int i = 0; i < n; i++) {
            perm1[i] = i;
        }
        int r = n;
        while (true) {
            while (r != 1) {
                count[r - 1] = r;
                r -= 1;
            }
            for (int i = 0; i < n; i++) {
                perm[i] = perm1[i];
            }
            long flips = 0;
            int k = perm[0];
            while (k != 0) {
                int lo = 0;
                int hi = k;
                while (lo < hi) {
                    int t = perm[lo];
                    perm[lo] = perm[hi];
                    perm[hi] = t;
                    lo += 1;
                    hi -= 1;
                }
                flips += 1;
                k = perm[0];
            }
            if (flips > maxFlips) {
                maxFlips = flips;
            }
            if (permCount % 2 == 0) {
                checksum += flips;
            } else {
                checksum -= flips;
            }
            // Next permutation: rotate the first r+1 elements, counting down per level.
            while (true) {
                if (r == n) {
                    System.out.println(checksum);
                    System.out.println("Pfannkuchen(" + n + ") = " + maxFlips);
                    return;
                }
                int perm0 = perm1[0];
                for (int i = 0; i < r; i++) {
                    perm1[i] = perm1[i + 1];
                }
                perm1[r] = perm0;
                count[r] -= 1;
                if (count[r] > 0) {
                    break;
                }
                r += 1;
            }
            permCount += 1;
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        fannkuch(n);
    }
}
