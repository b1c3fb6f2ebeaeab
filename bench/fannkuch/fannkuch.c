/* fannkuch: the Computer Language Benchmarks Game fannkuch-redux (sequential). For every
   permutation of 0..n-1 (in the benchmark's order), count the prefix reversals until 0 comes
   first; print the alternating checksum and the maximum count. Measures small integer-array
   loops. */
#include <stdio.h>
#include <stdlib.h>

static void fannkuch(int n) {
    int *perm = calloc(n, sizeof(int));
    int *perm1 = calloc(n, sizeof(int));
    int *count = calloc(n, sizeof(int));
    long max_flips = 0, perm_count = 0, checksum = 0;
    for (int i = 0; i < n; i++) {
        perm1[i] = i;
    }
    int r = n;
    for (;;) {
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
        if (flips > max_flips) {
            max_flips = flips;
        }
        if (perm_count % 2 == 0) {
            checksum += flips;
        } else {
            checksum -= flips;
        }
        /* Next permutation: rotate the first r+1 elements, counting down per level. */
        for (;;) {
            if (r == n) {
                printf("%ld\nPfannkuchen(%d) = %ld\n", checksum, n, max_flips);
                free(perm);
                free(perm1);
                free(count);
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
        perm_count += 1;
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10;
    fannkuch(n);
    return 0;
}
