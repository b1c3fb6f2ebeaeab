// closures: creating and calling function values. Every round builds new closures (adders and
// scalers returned by higher-order functions, their compositions, and one closure per array
// element capturing a running total by reference), maps and folds an array with them, and calls
// a counter closure that updates a captured variable. All arithmetic is on integers kept below
// 2^31 by `% 1000003`, so every language (including those with only doubles) computes the same.
"use strict";

const MOD = 1000003;
const LENGTH = 100;

function makeAdder(k) {
    return (x) => (x + k) % MOD;
}

function makeScaler(m) {
    return function (x) { return (x * m) % MOD; };
}

function compose(f, g) {
    return (x) => g(f(x));
}

function mapArray(xs, f) {
    const out = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
        out[i] = f(xs[i]);
    }
    return out;
}

function fold(xs, initial, f) {
    let acc = initial;
    for (const x of xs) {
        acc = f(acc, x);
    }
    return acc;
}

function makeCounter(step) {
    let count = 0;
    return function () {
        count = (count + step) % MOD;
        return count;
    };
}

// One new closure per element, capturing the element and (by reference) the running total.
function chain(xs) {
    let total = 0;
    for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        const step = (y) => (x + y + total) % MOD;
        total = step(i);
    }
    return total;
}

function main() {
    const rounds = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 60000;
    const data = new Array(LENGTH);
    for (let i = 0; i < LENGTH; i++) {
        data[i] = (i * 7919) % MOD;
    }
    const stages = new Array(8);
    for (let j = 0; j < 8; j++) {
        if (j % 2 === 0) {
            stages[j] = makeAdder(j * 13 + 1);
        } else {
            stages[j] = makeScaler(j + 2);
        }
    }
    const counter = makeCounter(7);
    let calls = 0;
    const mix = function (acc, x) {
        calls += 1;
        return (acc * 31 + x) % MOD;
    };

    let check = 0;
    for (let r = 0; r < rounds; r++) {
        const f = compose(makeAdder(r % 10), makeScaler((r % 7) + 2));
        const g = compose(f, stages[r % 8]);
        const mapped = mapArray(data, g);
        check = (check + fold(mapped, r % MOD, mix)) % MOD;
        check = (check + chain(mapped)) % MOD;
        let v = counter();
        for (const s of stages) {
            v = s(v);
        }
        check = (check + v) % MOD;
    }
    console.log(String(check));
    console.log(String(calls));
    console.log(String(counter()));
}

main();
