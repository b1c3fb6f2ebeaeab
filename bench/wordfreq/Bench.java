// wordfreq: word frequencies over a generated text (a string-keyed hash map and string
// operations). A vocabulary of 1000 words is built by concatenating syllables (word i spells
// i + 20 in base 20, one syllable per digit, so all words are distinct). The text is generated
// line by line from a Park-Miller generator: each line has 5 to 20 words, drawn with a skewed
// (roughly logarithmic) distribution, joined with spaces into one string, split on spaces again,
// and every word is counted in a HashMap. At the end the distinct words are sorted by count
// (descending), then by the word itself (ascending; String.compareTo orders by UTF-16 code unit,
// the same as code points for these ASCII words), and the top 10 printed.
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

public class Bench {
    static final String[] SYLLABLES = { "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "ve", "za",
                                        "bo", "du", "fi", "ge", "ha", "ju", "ne", "po", "ri", "su" };
    static final int VOCAB = 1000;
    static final int TOP = 10;

    static long seed = 42;

    // Park-Miller minimal standard generator: every intermediate value stays below 2^53.
    static long nextRandom() {
        seed = seed * 16807 % 2147483647;
        return seed;
    }

    static String makeWord(int i) {
        int base = SYLLABLES.length;
        int v = i + base;
        String word = "";
        while (v > 0) {
            word = SYLLABLES[v % base] + word;
            v /= base;
        }
        return word;
    }

    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 4000000;
        String[] vocab = new String[VOCAB];
        for (int i = 0; i < VOCAB; i++) vocab[i] = makeWord(i);

        HashMap<String, Integer> counts = new HashMap<>();
        long total = 0;
        long chars = 0;
        long generated = 0;
        while (generated < n) {
            int len = (int) (nextRandom() % 16 + 5);
            if (len > n - generated) len = (int) (n - generated);
            String[] parts = new String[len];
            for (int j = 0; j < len; j++) {
                long r = nextRandom() % VOCAB + 1;
                parts[j] = vocab[(int) (nextRandom() % r)];
            }
            String line = String.join(" ", parts);
            chars += line.length();
            for (String w : line.split(" ")) {
                counts.put(w, counts.getOrDefault(w, 0) + 1);
                total++;
            }
            generated += len;
        }

        List<String> words = new ArrayList<>(counts.keySet());
        words.sort((a, b) -> {
            int ca = counts.get(a), cb = counts.get(b);
            if (ca != cb) return Integer.compare(cb, ca);
            return a.compareTo(b);
        });
        StringBuilder out = new StringBuilder();
        out.append("distinct words: ").append(counts.size()).append('\n');
        out.append("total words: ").append(total).append('\n');
        out.append("characters: ").append(chars).append('\n');
        for (int i = 0; i < Math.min(words.size(), TOP); i++) {
            out.append(words.get(i)).append(' ').append(counts.get(words.get(i))).append('\n');
        }
        System.out.print(out);
    }
}
