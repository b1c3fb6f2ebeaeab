// spectralnorm: the Computer Language Benchmarks Game spectral norm of the infinite matrix
// A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by 10 rounds of the power method on A^T A.
// Measures floating-point loops over arrays and small function calls.
"use strict";

function evalA(i, j) {
    // (i + j) * (i + j + 1) is always even, so the division is exact.
    return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

function multiplyAv(n, v, av) {
    for (let i = 0; i < n; i++) {
        let sum = 0.0;
        for (let j = 0; j < n; j++) {
            sum += evalA(i, j) * v[j];
        }
        av[i] = sum;
    }
}

function multiplyAtv(n, v, atv) {
    for (let i = 0; i < n; i++) {
        let sum = 0.0;
        for (let j = 0; j < n; j++) {
            sum += evalA(j, i) * v[j];
        }
        atv[i] = sum;
    }
}

function multiplyAtAv(n, v, out, tmp) {
    multiplyAv(n, v, tmp);
    multiplyAtv(n, tmp, out);
}

const n = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 2000;
const u = new Float64Array(n).fill(1.0);
const v = new Float64Array(n);
const tmp = new Float64Array(n);
for (let i = 0; i < 10; i++) {
    multiplyAtAv(n, u, v, tmp);
    multiplyAtAv(n, v, u, tmp);
}
let vBv = 0.0;
let vv = 0.0;
for (let i = 0; i < n; i++) {
    vBv += u[i] * v[i];
    vv += v[i] * v[i];
}
console.log(Math.sqrt(vBv / vv).toFixed(9));
