package io.github.lmworkbook.train;

import java.util.Locale;

/**
 * How a {@link Sampler} turns next-token logits z into a token: greedy (the most likely), or a draw from
 * softmax(z / τ) restricted to the k most likely tokens (top-k) and to the smallest set of most likely tokens whose
 * probability adds up to p (top-p, the nucleus). A value for conditions of an experiment and labels of a table.
 *
 * @param temperature τ ≥ 0; 0 is greedy
 * @param topK        k ≥ 0; 0 keeps every token
 * @param topP        0 &lt; p ≤ 1; 1 keeps every token
 */
public record Decoding(double temperature, int topK, double topP) {
    /**
     * Checks the decoding's settings.
     *
     * @param temperature τ ≥ 0; 0 is greedy
     * @param topK k ≥ 0; 0 keeps every token
     * @param topP 0 &lt; p ≤ 1; 1 keeps every token
     * @throws IllegalArgumentException if τ is NaN, infinite or negative, k &lt; 0, or p is outside (0, 1]
     */
    public Decoding {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be finite and ≥ 0");
        }
        if (topK < 0) throw new IllegalArgumentException("top-k " + topK + " must be ≥ 0");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p " + topP + " must be in (0, 1]");
    }

    /**
     * The most likely token every time.
     *
     * @return greedy decoding (τ = 0, no top-k, no top-p)
     */
    public static Decoding greedy() {
        return new Decoding(0, 0, 1);
    }

    /**
     * A draw from softmax(z / τ).
     *
     * @param tau the temperature τ ≥ 0 (0: greedy; &lt; 1 sharpens, &gt; 1 flattens the distribution)
     * @return a draw at temperature τ from every token
     */
    public static Decoding temperature(double tau) {
        return new Decoding(tau, 0, 1);
    }

    /**
     * A draw from the k most likely tokens (τ = 1).
     *
     * @param k the number of most likely tokens kept (0 keeps every token)
     * @return a top-k draw at τ = 1
     */
    public static Decoding topK(int k) {
        return new Decoding(1, k, 1);
    }

    /**
     * A draw from the nucleus of mass p (τ = 1).
     *
     * @param p the probability mass of the nucleus, 0 &lt; p ≤ 1 (1 keeps every token)
     * @return a top-p draw at τ = 1
     */
    public static Decoding topP(double p) {
        return new Decoding(1, 0, p);
    }

    /** "greedy", "τ = 0.8", "top-k 5", "top-p 0.9", or their combination ("τ = 0.8, top-k 5"). */
    @Override
    public String toString() {
        if (temperature == 0) return "greedy";
        StringBuilder s = new StringBuilder();
        if (temperature != 1 || (topK == 0 && topP == 1)) s.append("τ = ").append(fmt(temperature));
        if (topK > 0) s.append(s.length() > 0 ? ", " : "").append("top-k ").append(topK);
        if (topP < 1) s.append(s.length() > 0 ? ", " : "").append("top-p ").append(fmt(topP));
        return s.toString();
    }

    private static String fmt(double v) {
        String t = String.format(Locale.ROOT, "%.3f", v);
        return t.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
