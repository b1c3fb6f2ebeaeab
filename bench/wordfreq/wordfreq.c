// wordfreq: word frequencies over a generated text (a string-keyed hash map and string
// operations). A vocabulary of 1000 words is built by concatenating syllables (word i spells
// i + 20 in base 20, one syllable per digit, so all words are distinct). The text is generated
// line by line from a Park-Miller generator: each line has 5 to 20 words, drawn with a skewed
// (roughly logarithmic) distribution, joined with spaces into one string, split on spaces again,
// and every word is counted in a map. At the end the distinct words are sorted by count
// (descending), then by the word itself (ascending, byte order), and the top 10 printed.
// The map is a hand-written open-addressing hash table (linear probing, FNV-1a hashes, grown
// to keep it at most half full) whose keys are copies of the words.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VOCAB 1000
#define TOP 10
#define MAX_LINE_WORDS 20

static const char *SYLLABLES[] = { "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "ve", "za",
                                   "bo", "du", "fi", "ge", "ha", "ju", "ne", "po", "ri", "su" };
#define NSYLLABLES ((int)(sizeof SYLLABLES / sizeof SYLLABLES[0]))

static long long seed = 42;

// Park-Miller minimal standard generator: every intermediate value stays below 2^53.
static long long nextRandom(void) {
    seed = seed * 16807 % 2147483647;
    return seed;
}

static char *makeWord(int i) {
    int v = i + NSYLLABLES;
    char buffer[64];
    size_t length = 0;
    buffer[0] = '\0';
    while (v > 0) {
        // prepend the syllable: word = syllable + word
        const char *syllable = SYLLABLES[v % NSYLLABLES];
        size_t k = strlen(syllable);
        memmove(buffer + k, buffer, length + 1);
        memcpy(buffer, syllable, k);
        length += k;
        v /= NSYLLABLES;
    }
    char *word = malloc(length + 1);
    memcpy(word, buffer, length + 1);
    return word;
}

typedef struct {
    char *key;  // NULL for an empty slot
    size_t length;
    uint32_t hash;
    long long count;
} Entry;

typedef struct {
    Entry *slots;
    size_t capacity;  // a power of two
    size_t size;
} Table;

static uint32_t fnv1a(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void tableInit(Table *t) {
    t->capacity = 16;
    t->size = 0;
    t->slots = calloc(t->capacity, sizeof(Entry));
}

static void tableGrow(Table *t) {
    Entry *old = t->slots;
    size_t oldCapacity = t->capacity;
    t->capacity *= 2;
    t->slots = calloc(t->capacity, sizeof(Entry));
    size_t mask = t->capacity - 1;
    for (size_t i = 0; i < oldCapacity; i++) {
        if (old[i].key != NULL) {
            size_t s = old[i].hash & mask;
            while (t->slots[s].key != NULL) s = (s + 1) & mask;
            t->slots[s] = old[i];
        }
    }
    free(old);
}

// Adds 1 to the count of the word s[0..n), inserting it with count 1 if it is new.
static void tableIncrement(Table *t, const char *s, size_t n) {
    uint32_t h = fnv1a(s, n);
    size_t mask = t->capacity - 1;
    size_t i = h & mask;
    while (t->slots[i].key != NULL) {
        Entry *e = &t->slots[i];
        if (e->hash == h && e->length == n && memcmp(e->key, s, n) == 0) {
            e->count += 1;
            return;
        }
        i = (i + 1) & mask;
    }
    if ((t->size + 1) * 2 > t->capacity) {
        tableGrow(t);
        mask = t->capacity - 1;
        i = h & mask;
        while (t->slots[i].key != NULL) i = (i + 1) & mask;
    }
    char *key = malloc(n + 1);
    memcpy(key, s, n);
    key[n] = '\0';
    t->slots[i].key = key;
    t->slots[i].length = n;
    t->slots[i].hash = h;
    t->slots[i].count = 1;
    t->size += 1;
}

static int byCountThenWord(const void *pa, const void *pb) {
    const Entry *a = *(const Entry *const *)pa;
    const Entry *b = *(const Entry *const *)pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 4000000;
    char *vocab[VOCAB];
    size_t vocabLength[VOCAB];
    size_t longest = 0;
    for (int i = 0; i < VOCAB; i++) {
        vocab[i] = makeWord(i);
        vocabLength[i] = strlen(vocab[i]);
        if (vocabLength[i] > longest) longest = vocabLength[i];
    }
    char *line = malloc(MAX_LINE_WORDS * (longest + 1) + 1);

    Table counts;
    tableInit(&counts);
    long long total = 0;
    long long chars = 0;
    long long generated = 0;
    while (generated < n) {
        long long len = nextRandom() % 16 + 5;
        if (len > n - generated) len = n - generated;
        // join the words with spaces
        size_t lineLength = 0;
        for (long long j = 0; j < len; j++) {
            long long r = nextRandom() % VOCAB + 1;
            int w = (int)(nextRandom() % r);
            if (j > 0) line[lineLength++] = ' ';
            memcpy(line + lineLength, vocab[w], vocabLength[w]);
            lineLength += vocabLength[w];
        }
        line[lineLength] = '\0';
        chars += (long long)lineLength;
        // split on spaces and count
        size_t start = 0;
        for (size_t k = 0; k <= lineLength; k++) {
            if (k == lineLength || line[k] == ' ') {
                tableIncrement(&counts, line + start, k - start);
                total += 1;
                start = k + 1;
            }
        }
        generated += len;
    }

    Entry **words = malloc(counts.size * sizeof(Entry *));
    size_t m = 0;
    for (size_t i = 0; i < counts.capacity; i++) {
        if (counts.slots[i].key != NULL) words[m++] = &counts.slots[i];
    }
    qsort(words, m, sizeof(Entry *), byCountThenWord);
    printf("distinct words: %zu\n", counts.size);
    printf("total words: %lld\n", total);
    printf("characters: %lld\n", chars);
    for (size_t i = 0; i < m && i < TOP; i++) {
        printf("%s %lld\n", words[i]->key, words[i]->count);
    }

    for (size_t i = 0; i < counts.capacity; i++) free(counts.slots[i].key);
    free(counts.slots);
    free(words);
    free(line);
    for (int i = 0; i < VOCAB; i++) free(vocab[i]);
    return 0;
}
