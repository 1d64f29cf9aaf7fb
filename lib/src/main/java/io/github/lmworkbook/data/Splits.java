package io.github.lmworkbook.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded train/dev/test split of a list of words: shuffle a copy with {@code new Random(seed)}, then cut at
 * n₁ = ⌊0.8·n⌋ and n₂ = ⌊0.9·n⌋ (the split of Karpathy's makemore lectures). The same words and seed always give
 * the same split.
 *
 * @param train the first 80 % of the shuffled words
 * @param dev   the next 10 % (for choosing hyper-parameters and early stopping)
 * @param test  the last 10 % (touched once, at the end)
 */
public record Splits(List<String> train, List<String> dev, List<String> test) {
    /**
     * Makes the three lists unmodifiable copies.
     *
     * @param train the first 80 % of the shuffled words
     * @param dev the next 10 % (for choosing hyper-parameters and early stopping)
     * @param test the last 10 % (touched once, at the end)
     */
    public Splits {
        train = List.copyOf(train);
        dev = List.copyOf(dev);
        test = List.copyOf(test);
    }

    /**
     * The 80/10/10 split.
     *
     * @param words the words to split
     * @param seed the seed of the shuffle
     * @return the split
     */
    public static Splits of(List<String> words, long seed) {
        return of(words, seed, 0.8, 0.1);
    }

    /**
     * A split with the given train and dev fractions; the test split gets the rest.
     *
     * @param words the words to split
     * @param seed the seed of the shuffle
     * @param trainFraction the fraction of the words in train
     * @param devFraction the fraction of the words in dev
     * @return the split
     */
    public static Splits of(List<String> words, long seed, double trainFraction, double devFraction) {
        if (trainFraction < 0 || devFraction < 0 || trainFraction + devFraction > 1) {
            throw new IllegalArgumentException("split fractions train " + trainFraction + ", dev " + devFraction
                    + ": each must be ≥ 0 and together ≤ 1");
        }
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, new Random(seed));
        int n = shuffled.size();
        int n1 = (int) (trainFraction * n), n2 = Math.min(n, (int) ((trainFraction + devFraction) * n));
        return new Splits(shuffled.subList(0, n1), shuffled.subList(n1, n2), shuffled.subList(n2, n));
    }

    @Override
    public String toString() {
        return "Splits(train " + train.size() + ", dev " + dev.size() + ", test " + test.size() + ")";
    }
}
