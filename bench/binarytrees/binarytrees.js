// binarytrees: the Computer Language Benchmarks Game binary-trees (allocate and walk many
// perfect binary trees; one long-lived tree stays alive throughout). Measures allocation,
// memory management and recursion.
"use strict";

class Node {
    constructor(left, right) {
        this.left = left;
        this.right = right;
    }
}

function bottomUpTree(depth) {
    if (depth > 0) {
        return new Node(bottomUpTree(depth - 1), bottomUpTree(depth - 1));
    }
    return new Node(null, null);
}

function itemCheck(tree) {
    if (tree.left === null) {
        return 1;
    }
    return 1 + itemCheck(tree.left) + itemCheck(tree.right);
}

const n = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 18;
const minDepth = 4;
const maxDepth = n > minDepth + 2 ? n : minDepth + 2;
const stretchDepth = maxDepth + 1;

console.log(`stretch tree of depth ${stretchDepth}\t check: ${itemCheck(bottomUpTree(stretchDepth))}`);

const longLived = bottomUpTree(maxDepth);
for (let d = minDepth; d <= maxDepth; d += 2) {
    const iterations = 1 << (maxDepth - d + minDepth);
    let check = 0;
    for (let i = 0; i < iterations; i++) {
        check += itemCheck(bottomUpTree(d));
    }
    console.log(`${iterations}\t trees of depth ${d}\t check: ${check}`);
}
console.log(`long lived tree of depth ${maxDepth}\t check: ${itemCheck(longLived)}`);
