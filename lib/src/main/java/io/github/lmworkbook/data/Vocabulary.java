package io.github.lmworkbook.data;

import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The characters of a corpus, each with an integer id.
 *
 * <p>For a list of words ({@link #of}) id 0 is the special start/end token, displayed as {@code '.'}, and the
 * distinct characters follow in sorted order from id 1 (makemore's convention: for names.txt,
 * {@code . a b … z} = 0 … 26). For running text ({@link #ofText}, Tiny Shakespeare) there is no special
 * token: the sorted distinct characters take ids 0 … V−1 (char-rnn's convention).
 *
 * <p>Characters are Unicode code points, so text outside the BMP is one token, not two.
 */
public final class Vocabulary {
    /** The id of the start/end token in a vocabulary made by {@link #of}. */
    public static final int SPECIAL = 0;
    /** How the special token is displayed by {@link #decode}. */
    public static final char SPECIAL_CHAR = '.';

    private final int[] chars;      // id → code point, (V); chars[0] = '.' when hasSpecial
    private final boolean hasSpecial;
    private final int[] idOfAscii;  // code point < 128 → id, −1 when absent (fast path for encode)

    private Vocabulary(int[] chars, boolean hasSpecial) {
        this.chars = chars;
        this.hasSpecial = hasSpecial;
        this.idOfAscii = new int[128];
        Arrays.fill(idOfAscii, -1);
        for (int id = hasSpecial ? 1 : 0; id < chars.length; id++) {
            if (chars[id] < 128) idOfAscii[chars[id]] = id;
        }
    }

    /**
     * The vocabulary of a list of words: 0 = special start/end token ('.'), then the sorted distinct characters.
     *
     * @param words the words
     * @return the vocabulary
     * @throws IllegalArgumentException if a word contains '.', which would be ambiguous with the special token
     */
    public static Vocabulary of(Collection<String> words) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String w : words) {
            int pos = w.indexOf(SPECIAL_CHAR);
            if (pos >= 0) {
                throw new IllegalArgumentException("word \"" + w + "\" contains '" + SPECIAL_CHAR + "' at position "
                        + pos + ", the character that displays the special start/end token");
            }
            w.codePoints().forEach(set::add);
        }
        int[] chars = new int[set.size() + 1];
        chars[0] = SPECIAL_CHAR;
        int i = 1;
        for (int c : set) chars[i++] = c;
        return new Vocabulary(chars, true);
    }

    /**
     * The vocabulary of running text: its sorted distinct characters from id 0, no special token.
     *
     * @param text the text
     * @return the vocabulary
     */
    public static Vocabulary ofText(String text) {
        int[] chars = text.codePoints().distinct().sorted().toArray();
        return new Vocabulary(chars, false);
    }

    /** {@return V, the number of ids (including the special token when there is one)} */
    public int size() {
        return chars.length;
    }

    /**
     * True for a word vocabulary ({@link #of}), whose id 0 is the start/end token.
     *
     * @return true when id 0 is the start/end token
     */
    public boolean hasSpecial() {
        return hasSpecial;
    }

    /**
     * The id of a character (code point).
     *
     * @param codePoint the character
     * @return its id
     */
    public int id(int codePoint) {
        int id = lookup(codePoint);
        if (id < 0) throw unknown(codePoint, -1);
        return id;
    }

    /**
     * The character (code point) of an id; '.' for the special token.
     *
     * @param id the id
     * @return its character
     */
    public int codePoint(int id) {
        if (id < 0 || id >= chars.length) {
            throw new IllegalArgumentException("token id " + id + " outside [0, " + chars.length + ")");
        }
        return chars[id];
    }

    /**
     * The character of an id as a String ('.' for the special token).
     *
     * @param id the id
     * @return its character
     */
    public String token(int id) {
        return new String(Character.toChars(codePoint(id)));
    }

    /**
     * The ids of the characters of s (no start/end tokens added).
     *
     * @param s the text
     * @return its ids
     * @throws IllegalArgumentException naming the character, its code point and its position in s if s holds a
     *         character outside the vocabulary (or '.', the special token, in a word vocabulary)
     */
    public int[] encode(String s) {
        int[] ids = new int[s.codePointCount(0, s.length())];
        int k = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int id = lookup(cp);
            if (id < 0) throw unknown(cp, k);
            ids[k++] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    /**
     * The string of the given ids; the special token shows as '.'.
     *
     * @param ids the ids
     * @return the text
     */
    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * The string of ids[from..to).
     *
     * @param ids the ids
     * @param from the first id decoded
     * @param to one past the last id decoded
     * @return the text
     */
    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) sb.appendCodePoint(codePoint(ids[i]));
        return sb.toString();
    }

    /**
     * The characters in id order, as one string ('.' first for a word vocabulary).
     *
     * @return the characters
     */
    public String chars() {
        return decode(java.util.stream.IntStream.range(0, chars.length).toArray());
    }

    private int lookup(int cp) {
        if (cp < 128) return idOfAscii[cp];
        int lo = hasSpecial ? 1 : 0, hi = chars.length - 1;   // chars sorted from lo
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (chars[mid] < cp) lo = mid + 1;
            else if (chars[mid] > cp) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    private IllegalArgumentException unknown(int cp, int position) {
        String where = position >= 0 ? " at position " + position : "";
        String extra = hasSpecial && cp == SPECIAL_CHAR ? " ('.' displays the special token and cannot be encoded)" : "";
        return new IllegalArgumentException(String.format("unknown character '%s' (U+%04X)%s: not in the vocabulary of %d characters \"%s\"%s",
                new String(Character.toChars(cp)), cp, where, chars.length, chars(), extra));
    }

    @Override
    public String toString() {
        return "Vocabulary(" + chars.length + (hasSpecial ? " incl. special '.'" : "") + "): " + chars();
    }
}
