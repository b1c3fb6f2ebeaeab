// wordfreq: word frequencies over a generated text (a string-keyed hash map and string
// operations). A vocabulary of 1000 words is built by concatenating syllables (word i spells
// i + 20 in base 20, one syllable per digit, so all words are distinct). The text is generated
// line by line from a Park-Miller generator: each line has 5 to 20 words, drawn with a skewed
// (roughly logarithmic) distribution, joined with spaces into one string, split on spaces again,
// and every word is counted in a Map. At the end the distinct words are sorted by count
// (descending), then by the word itself (ascending, code-unit order, the same as code points
// for these ASCII words), and the top 10 printed.
"use strict";

const SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "ve", "za",
                   "bo", "du", "fi", "ge", "ha", "ju", "ne", "po", "ri", "su"];
const VOCAB = 1000;
const TOP = 10;

let seed = 42;

// Park-Miller minimal standard generator: every intermediate value stays below 2^53.
function nextRandom() {
    seed = seed * 16807 % 2147483647;
    return seed;
}

function makeWord(i) {
    const base = SYLLABLES.length;
    let v = i + base;
    let word = "";
    while (v > 0) {
        word = SYLLABLES[v % base] + word;
        v = Math.floor(v / base);
    }
    return word;
}

function main() {
    const n = process.argv.length > 2 ? parseInt(process.argv[2], 10) : 4000000;
    const vocab = [];
    for (let i = 0; i < VOCAB; i++) vocab.push(makeWord(i));

    const counts = new Map();
    let total = 0;
    let chars = 0;
    let generated = 0;
    while (generated < n) {
        let len = nextRandom() % 16 + 5;
        if (len > n - generated) len = n - generated;
        const parts = new Array(len);
        for (let j = 0; j < len; j++) {
            const r = nextRandom() % VOCAB + 1;
            parts[j] = vocab[nextRandom() % r];
        }
        const line = parts.join(" ");
        chars += line.length;
        for (const w of line.split(" ")) {
            counts.set(w, (counts.get(w) || 0) + 1);
            total++;
        }
        generated += len;
    }

    const words = Array.from(counts.keys());
    words.sort((a, b) => {
        const ca = counts.get(a), cb = counts.get(b);
        if (ca !== cb) return cb - ca;
        return a < b ? -1 : a > b ? 1 : 0;
    });
    console.log(`distinct words: ${counts.size}`);
    console.log(`total words: ${total}`);
    console.log(`characters: ${chars}`);
    for (let i = 0; i < Math.min(words.length, TOP); i++) {
        console.log(`${words[i]} ${counts.get(words[i])}`);
    }
}

main();
