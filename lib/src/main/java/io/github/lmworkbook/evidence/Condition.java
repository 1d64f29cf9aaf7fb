package io.github.lmworkbook.evidence;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One condition of an experiment: named fields in order, e.g. {@code model = GRU, size = 10k, lr = 0.003}. The
 * fields are the first columns of the experiment's CSV file, so a notebook filters the committed results by them
 * with Tablesaw. Values are strings as written (a number keeps the spelling it was declared with); a value may not
 * contain a comma, a quote, a line break or {@code |}.
 */
public final class Condition {
    private final Map<String, String> fields;

    private Condition(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * A condition from name, value pairs: {@code Condition.of("model", "GRU", "lr", "3e-3")}.
     *
     * @param nameValue name, value pairs
     * @return the condition
     */
    public static Condition of(Object... nameValue) {
        if (nameValue.length % 2 != 0) {
            throw new IllegalArgumentException("condition: names and values in pairs, got " + nameValue.length
                    + " arguments");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            String name = String.valueOf(nameValue[i]), value = format(nameValue[i + 1]);
            check(name);
            check(value);
            if (m.put(name, value) != null) throw new IllegalArgumentException("condition: field '" + name + "' twice");
        }
        return new Condition(m);
    }

    /**
     * A condition from a map of fields (in the map's order).
     *
     * @param fields the fields
     * @return the condition
     */
    public static Condition of(Map<String, String> fields) {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            check(e.getKey());
            check(e.getValue());
        }
        return new Condition(fields);
    }

    private static String format(Object v) {
        if (v instanceof Double d) return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                : String.valueOf(d);
        return String.valueOf(v);
    }

    private static void check(String s) {
        if (s.isEmpty() || s.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r' || ch == '|')) {
            throw new IllegalArgumentException("condition: '" + s + "' must be non-empty and hold no comma, quote,"
                    + " line break or '|'");
        }
    }

    /**
     * The field names, in order.
     *
     * @return the names
     */
    public List<String> names() {
        return List.copyOf(fields.keySet());
    }

    /**
     * The fields, in order.
     *
     * @return the fields by name
     */
    public Map<String, String> fields() {
        return fields;
    }

    /**
     * The value of a field.
     *
     * @param name the field's name
     * @return its value
     */
    public String get(String name) {
        String v = fields.get(name);
        if (v == null) throw new IllegalArgumentException("condition " + this + " has no field '" + name + "'");
        return v;
    }

    /**
     * Whether the condition has this field.
     *
     * @param name the field's name
     * @return true when it has the field
     */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /**
     * A field as a number.
     *
     * @param name the field's name
     * @return its value
     */
    public double number(String name) {
        try {
            return Double.parseDouble(get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("condition " + this + ": field '" + name + "' is not a number");
        }
    }

    /**
     * A field as a whole number.
     *
     * @param name the field's name
     * @return its value
     */
    public int integer(String name) {
        try {
            return Integer.parseInt(get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("condition " + this + ": field '" + name + "' is not a whole number");
        }
    }

    /**
     * The same condition with one field set (added at the end, or replaced in place).
     *
     * @param name the field's name
     * @param value its value
     * @return the new condition
     */
    public Condition with(String name, Object value) {
        Map<String, String> m = new LinkedHashMap<>(fields);
        String v = format(value);
        check(name);
        check(v);
        m.put(name, v);
        return new Condition(m);
    }

    /**
     * Whether every field of {@code partial} has the same value here.
     *
     * @param partial the partial condition
     * @return true when it matches
     */
    public boolean matches(Condition partial) {
        for (Map.Entry<String, String> e : partial.fields.entrySet()) {
            if (!e.getValue().equals(fields.get(e.getKey()))) return false;
        }
        return true;
    }

    /**
     * The key that names the condition in files: {@code model=GRU|lr=3e-3}.
     *
     * @return the key
     */
    public String key() {
        StringJoiner j = new StringJoiner("|");
        fields.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** For people: {@code model = GRU, lr = 3e-3}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ");
        fields.forEach((k, v) -> j.add(k + " = " + v));
        return j.toString();
    }

    /**
     * A short label: the values only, {@code GRU, 3e-3}.
     *
     * @return the label
     */
    public String label() {
        return String.join(", ", fields.values());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && c.fields.equals(fields) && List.copyOf(c.fields.keySet())
                .equals(List.copyOf(fields.keySet()));
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /**
     * Formats a learning rate or another small number the way conditions spell it: 0.003 → "3e-3".
     *
     * @param x the number
     * @return the text
     */
    public static String sci(double x) {
        if (x == 0) return "0";
        int e = (int) Math.floor(Math.log10(Math.abs(x)) + 1e-9);
        double m = x / Math.pow(10, e);
        String ms = Math.abs(m - Math.rint(m)) < 1e-9 ? String.valueOf((long) Math.rint(m))
                : String.format(Locale.ROOT, "%.3g", m).replaceAll("0+$", "").replaceAll("\\.$", "");
        return e == 0 ? ms : ms + "e" + e;
    }
}
