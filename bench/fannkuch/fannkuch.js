// fannkuch: the Computer Language Benchmarks Game fannkuch-redux (sequential). For every
// permutation of 0..n-1 (in the benchmark's order), count the prefix reversals until 0 comes
// first; print the alternating checksum and the maximum count. Measures small integer-array
// loops.
"use strict";

function fannkuch(n) {
    const perm = new Int32Array(n);
    const perm1 = new Int32Array(n);
    const count = new Int32Array(n);
    let maxFlips = 0;
    let permCount = 0;
    let checksum = 0;
    for (let i = 0; i < n; i++) {
        perm1[i] = i;
    }
    let r = n;
    for (;;) {
        while (r !== 1) {
            count[r - 1] = r;
            r -= 1;
        }
        for (let i = 0; i < n; i++) {
            perm[i] = perm1[i];
        }
        let flips = 0;
        let k = perm[0];
        while (k !== 0) {
            let lo = 0;
            let hi = k;
            while (lo < hi) {
                const t = perm[lo];
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
        if (permCount % 2 === 0) {
            checksum += flips;
        } else {
            checksum -= flips;
        }
        // Next permutation: rotate the first r+1 elements, counting down per level.
        for (;;) {
            if (r === n) {
                console.log(String(checksum));
                console.log(`Pfannkuchen(${n}) = ${maxFlips}`);
                return;
            }
            const perm0 = perm1[0];
            for (let i = 0; i < r; i++) {
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

const n = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 10;
fannkuch(n);
