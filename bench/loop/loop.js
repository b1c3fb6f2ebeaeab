// loop: a long counted loop of cheap integer arithmetic (multiply, add, remainder).
// Every intermediate value stays below 2^53, so doubles compute it exactly.
"use strict";

function run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
        s = (s * 31 + i) % 1000003;
    }
    return s;
}

const n = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 100000000;
console.log(String(run(n)));
