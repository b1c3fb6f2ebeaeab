# wordfreq: word frequencies over a generated text (a string-keyed hash map and string
# operations). A vocabulary of 1000 words is built by concatenating syllables (word i spells
# i + 20 in base 20, one syllable per digit, so all words are distinct). The text is generated
# line by line from a Park-Miller generator: each line has 5 to 20 words, drawn with a skewed
# (roughly logarithmic) distribution, joined with spaces into one string, split on spaces again,
# and every word is counted in a dict. At the end the distinct words are sorted by count
# (descending), then by the word itself (ascending, code-point order), and the top 10 printed.
import sys

SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "ve", "za",
             "bo", "du", "fi", "ge", "ha", "ju", "ne", "po", "ri", "su"]
VOCAB = 1000
TOP = 10

seed = 42


# Park-Miller minimal standard generator: every intermediate value stays below 2^53.
def next_random():
    global seed
    seed = seed * 16807 % 2147483647
    return seed


def make_word(i):
    base = len(SYLLABLES)
    v = i + base
    word = ""
    while v > 0:
        word = SYLLABLES[v % base] + word
        v //= base
    return word


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000000
    vocab = [make_word(i) for i in range(VOCAB)]

    counts = {}
    total = 0
    chars = 0
    generated = 0
    while generated < n:
        length = next_random() % 16 + 5
        if length > n - generated:
            length = n - generated
        parts = []
        for _ in range(length):
            r = next_random() % VOCAB + 1
            parts.append(vocab[next_random() % r])
        line = " ".join(parts)
        chars += len(line)
        for w in line.split(" "):
            counts[w] = counts.get(w, 0) + 1
            total += 1
        generated += length

    words = sorted(counts, key=lambda w: (-counts[w], w))
    print(f"distinct words: {len(counts)}")
    print(f"total words: {total}")
    print(f"characters: {chars}")
    for w in words[:TOP]:
        print(f"{w} {counts[w]}")


main()
