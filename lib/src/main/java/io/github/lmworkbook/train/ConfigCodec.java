package io.github.lmworkbook.train;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A configuration record as {@code key=value} entries and back, component by component through reflection, so that
 * a component added to a model's {@code Config} later is recorded and read without a change here. A component is a
 * primitive or its box, a String, an enum, a nested record (its components under {@code key.}), or an array of
 * int, long, double or boolean (comma-separated); a null reference is written {@value #NULL}. A file written before
 * components were appended to a record (options with defaults) is read through the record's constructor of the
 * components it records, which gives the rest their defaults.
 */
final class ConfigCodec {
    static final String NULL = "(null)";

    private ConfigCodec() {}

    /** Writes every component of r as {@code prefix + name = value} into out, in declaration order. */
    static void encode(String prefix, Record r, Map<String, String> out) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                c.getAccessor().setAccessible(true);
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read the configuration's component '" + c.getName() + "' of "
                        + r.getClass().getName() + ": " + e);
            }
            String key = prefix + c.getName();
            if (v instanceof Record nested) {
                encode(key + ".", nested, out);
            } else if (v == null) {
                if (c.getType().isPrimitive()) throw new IllegalStateException("a primitive is never null");
                requireSupported(key, c.getType());
                out.put(key, NULL);
            } else {
                out.put(key, text(key, c.getType(), v));
            }
        }
    }

    private static String text(String key, Class<?> type, Object v) {
        requireSupported(key, type);
        if (v instanceof Enum<?> e) return e.name();
        if (v instanceof int[] a) return Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(","));
        if (v instanceof long[] a) return Arrays.stream(a).mapToObj(Long::toString).collect(Collectors.joining(","));
        if (v instanceof double[] a) {
            return Arrays.stream(a).mapToObj(Double::toString).collect(Collectors.joining(","));
        }
        if (v instanceof boolean[] a) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
            return sb.toString();
        }
        return String.valueOf(v);       // numbers (Double.toString round-trips exactly), booleans, chars, strings
    }

    private static void requireSupported(String key, Class<?> type) {
        boolean ok = type.isPrimitive() || type == String.class || type.isEnum() || type.isRecord()
                || type == Integer.class || type == Long.class || type == Double.class || type == Float.class
                || type == Boolean.class || type == Short.class || type == Byte.class || type == Character.class
                || type == int[].class || type == long[].class || type == double[].class || type == boolean[].class;
        if (!ok) {
            throw new IllegalArgumentException("cannot record the configuration's component '" + key + "' of type "
                    + type.getName() + " (a model file records primitives, strings, enums, records and arrays of "
                    + "numbers)");
        }
    }

    /**
     * The record of the given type from the entries under prefix.
     *
     * @throws IllegalArgumentException naming the key and the problem (missing, not a number, not a constant, …)
     *         or the record's own complaint about its values
     */
    static Record decode(Class<?> type, String prefix, Map<String, String> in) {
        if (!type.isRecord()) throw new IllegalArgumentException(type.getName() + " is not a record");
        RecordComponent[] cs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[cs.length];
        Object[] args = new Object[cs.length];
        int n = cs.length;                  // components read: all, or those before the options added since
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            String key = prefix + cs[i].getName();
            if (types[i].isRecord() && !in.containsKey(key)) {
                args[i] = decode(types[i], key + ".", in);
                continue;
            }
            String v = in.get(key);
            if (v == null) {
                if (i > 0 && olderFile(type, cs, i, prefix, in)) {
                    n = i;                  // the record's constructor of its first i components: the defaults
                    break;
                }
                throw new IllegalArgumentException("no value for '" + key + "' (the file was written by a version "
                        + "whose " + type.getSimpleName() + " had no '" + cs[i].getName() + "')");
            }
            args[i] = value(key, types[i], v);
        }
        if (n < cs.length) {
            types = Arrays.copyOf(types, n);
            args = Arrays.copyOf(args, n);
        }
        try {
            Constructor<?> k = type.getDeclaredConstructor(types);
            k.setAccessible(true);
            return (Record) k.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot make a " + type.getName() + ": " + e);
        }
    }

    /**
     * True when the entries end before component i (none of it or of the components after it is recorded) and the
     * record has a constructor of its first i components: a file written before the later components (options with
     * defaults, appended to the record) existed, read with the defaults that constructor gives them.
     */
    private static boolean olderFile(Class<?> type, RecordComponent[] cs, int i, String prefix, Map<String, String> in) {
        for (int j = i; j < cs.length; j++) {
            String key = prefix + cs[j].getName();
            if (in.containsKey(key) || in.keySet().stream().anyMatch(k -> k.startsWith(key + "."))) return false;
        }
        Class<?>[] first = new Class<?>[i];
        for (int j = 0; j < i; j++) first[j] = cs[j].getType();
        try {
            type.getDeclaredConstructor(first);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(String key, Class<?> t, String v) {
        requireSupported(key, t);
        if (v.equals(NULL) && !t.isPrimitive()) return null;
        try {
            if (t == int.class || t == Integer.class) return Integer.parseInt(v);
            if (t == long.class || t == Long.class) return Long.parseLong(v);
            if (t == double.class || t == Double.class) return Double.parseDouble(v);
            if (t == float.class || t == Float.class) return Float.parseFloat(v);
            if (t == short.class || t == Short.class) return Short.parseShort(v);
            if (t == byte.class || t == Byte.class) return Byte.parseByte(v);
            if (t == boolean.class || t == Boolean.class) return bool(key, v);
            if (t == char.class || t == Character.class) {
                if (v.length() != 1) throw new IllegalArgumentException("'" + key + "': '" + v + "' is not one character");
                return v.charAt(0);
            }
            if (t == String.class) return v;
            if (t.isEnum()) {
                try {
                    return Enum.valueOf((Class) t, v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + key + "': '" + v + "' is not one of "
                            + Arrays.toString(t.getEnumConstants()));
                }
            }
            String[] parts = v.isEmpty() ? new String[0] : v.split(",", -1);
            if (t == int[].class) return Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
            if (t == long[].class) return Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
            if (t == double[].class) return Arrays.stream(parts).mapToDouble(Double::parseDouble).toArray();
            boolean[] b = new boolean[parts.length];
            for (int i = 0; i < b.length; i++) b[i] = bool(key, parts[i]);
            return b;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "': '" + v + "' is not a " + t.getSimpleName());
        }
    }

    private static boolean bool(String key, String v) {
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new IllegalArgumentException("'" + key + "': '" + v + "' is not true or false");
    }
}
