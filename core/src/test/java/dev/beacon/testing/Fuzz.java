package dev.beacon.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Property-based tests with seeded generators, in plain JUnit 5: {@link #forAll} checks a property on explicit
 * examples and then on generated inputs, and fails on the first input that breaks it, naming the input, the try and
 * the seed. The same seed gives the same inputs, so a failure reproduces with
 * {@code mvn … -Dtest=TheTest -Dbeacon.fuzz.seed=SEED}.
 *
 * <p>Two system properties (the root pom passes both to Surefire): {@code beacon.fuzz.tries}, generated inputs per
 * property (200 by default; the long run sets 10,000), and {@code beacon.fuzz.seed}, the seed of every property
 * (random by default, a new one per test JVM). Each property starts its own {@link SplittableRandom} from that seed,
 * so its inputs do not depend on which other tests ran before it.
 *
 * <p>Generators lean towards their edges: lengths and numbers hit their minimum and maximum (and 0) far more often
 * than a uniform draw would. Not thread-safe: a generator draws from the random it is given.
 */
public final class Fuzz {

    private static final int TRIES = positiveInt("beacon.fuzz.tries", 200);
    private static final long SEED = seedProperty();

    /** Printed in place of the rest of a long input; the seed reproduces the whole of it. */
    private static final int SHOWN_CHARACTERS = 400;

    /** Characters that break parsers: separators of URIs and key=value lists, escapes, blanks, controls, non-ASCII. */
    public static final String EDGE_CHARACTERS = "%@:/,=?&#;[]{}*\\\"' \t\n\r\u0000\u0001\u001f\u007f\u0085"
            + "\u00a0é\u00ff\u0130\u2028\u200b\u4e2d\ufeff\ufffd\uffff";

    private Fuzz() {
    }

    /** Makes one value from a random source. */
    @FunctionalInterface
    public interface Gen<T> {

        T next(SplittableRandom random);

        default <R> Gen<R> map(Function<? super T, ? extends R> function) {
            return random -> function.apply(next(random));
        }

        /** Draws again until {@code keep} holds; gives up after 1,000 draws (a generator that rarely fits). */
        default Gen<T> filter(Predicate<? super T> keep) {
            return random -> {
                for (int draw = 0; draw < 1_000; draw++) {
                    T value = next(random);
                    if (keep.test(value)) {
                        return value;
                    }
                }
                throw new IllegalStateException("filter kept none of 1,000 generated values");
            };
        }
    }

    /** A property of one input: returns normally if it holds, throws (an assertion error) if not. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    /** Generated tries per property: {@code beacon.fuzz.tries}, 200 by default. */
    public static int tries() {
        return TRIES;
    }

    /** The seed of every property in this JVM: {@code beacon.fuzz.seed}, random by default. */
    public static long seed() {
        return SEED;
    }

    /** Checks {@code property} on {@link #tries()} inputs from {@code inputs}. */
    public static <T> void forAll(Gen<T> inputs, Property<? super T> property) {
        forAll(List.of(), inputs, property);
    }

    /**
     * Checks {@code property} on every one of {@code examples} (the edge cases, at every run), then on
     * {@link #tries()} inputs from {@code inputs}, drawn from a random seeded with {@link #seed()}.
     *
     * @throws AssertionError on the first input that breaks the property, naming it, the try and the seed, with the
     *                        property's own failure as the cause
     */
    public static <T> void forAll(List<? extends T> examples, Gen<T> inputs, Property<? super T> property) {
        for (int i = 0; i < examples.size(); i++) {
            check(property, examples.get(i), "example " + (i + 1) + " of " + examples.size());
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < TRIES; i++) {
            T input;
            try {
                input = inputs.next(random);
            } catch (RuntimeException e) {
                throw new AssertionError("generator failed on try " + (i + 1) + " of " + TRIES + reproduce(), e);
            }
            check(property, input, "try " + (i + 1) + " of " + TRIES);
        }
    }

    private static <T> void check(Property<? super T> property, T input, String which) {
        try {
            property.check(input);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("property failed on " + which + reproduce() + "\n  input: " + describe(input)
                    + "\n  failure: " + e, e);
        }
    }

    private static String reproduce() {
        return " (seed " + SEED + "; rerun with -Dbeacon.fuzz.seed=" + SEED + ")";
    }

    /** The input as Java would write it, control and non-ASCII characters escaped, long inputs cut. */
    static String describe(Object input) {
        String text = input instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : String.valueOf(input);
        StringBuilder shown = new StringBuilder("\"");
        int end = Math.min(text.length(), SHOWN_CHARACTERS);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> shown.append("\\\"");
                case '\\' -> shown.append("\\\\");
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> shown.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            }
        }
        shown.append('"');
        if (text.length() > end) {
            shown.append("… (").append(text.length()).append(" characters in all)");
        }
        return shown.toString();
    }

    // ---- generators

    /** One of {@code values}, each as likely. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return oneOf(List.of(values));
    }

    /** One of {@code values}, each as likely. */
    public static <T> Gen<T> oneOf(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A value from one of {@code generators}, each as likely. */
    @SafeVarargs
    public static <T> Gen<T> anyOf(Gen<? extends T>... generators) {
        List<Gen<? extends T>> copy = List.of(generators);
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }

    /** An int in {@code min..max} (both included): min, max and 0 (if inside) often, otherwise uniform. */
    public static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /** A long in {@code min..max} (both included): min, max and 0 (if inside) often, otherwise uniform. */
    public static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("min must not exceed max, but was " + min + " > " + max);
        }
        return random -> switch (random.nextInt(10)) {
            case 0 -> min;
            case 1 -> max;
            case 2 -> min <= 0 && 0 <= max ? 0L : min;
            // nextLong(origin, bound) copes with a range wider than Long.MAX_VALUE, but not with max + 1 overflowing
            default -> max < Long.MAX_VALUE ? random.nextLong(min, max + 1)
                    : min > Long.MIN_VALUE ? random.nextLong(min - 1, max) + 1 : random.nextLong();
        };
    }

    /** A string of {@code minLength..maxLength} characters, each from {@code alphabet}. */
    public static Gen<String> strings(String alphabet, int minLength, int maxLength) {
        if (alphabet.isEmpty()) {
            throw new IllegalArgumentException("alphabet must not be empty");
        }
        return strings(random -> alphabet.charAt(random.nextInt(alphabet.length())), minLength, maxLength);
    }

    /**
     * Any string of up to 255 characters: printable ASCII, {@link #EDGE_CHARACTERS}, control
     * characters, anything else in the Basic Multilingual Plane but lone surrogates, and supplementary characters
     * (emoji) as whole surrogate pairs.
     */
    public static Gen<String> strings() {
        return strings(0, 255);
    }

    /** Like {@link #strings()}, of {@code minLength..maxLength} chars (a surrogate pair counts two). */
    public static Gen<String> strings(int minLength, int maxLength) {
        Gen<String> chars = random -> switch (random.nextInt(8)) {
            case 0, 1, 2 -> String.valueOf((char) random.nextInt(0x20, 0x7f));
            case 3 -> String.valueOf(EDGE_CHARACTERS.charAt(random.nextInt(EDGE_CHARACTERS.length())));
            case 4 -> String.valueOf((char) random.nextInt(0, 0x20));
            case 5 -> Character.toString(random.nextInt(0x1f300, 0x1fa00));
            default -> {
                char c = (char) random.nextInt(0x80, 0x10000);
                yield Character.isSurrogate(c) ? "\ufffd" : String.valueOf(c);
            }
        };
        return random -> {
            int length = length(random, minLength, maxLength);
            StringBuilder text = new StringBuilder(length + 1);
            while (text.length() < length) {
                String next = chars.next(random);
                text.append(text.length() + next.length() <= length ? next : "x");
            }
            return text.toString();
        };
    }

    private static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
        return random -> {
            int length = length(random, minLength, maxLength);
            char[] text = new char[length];
            for (int i = 0; i < length; i++) {
                text[i] = chars.next(random);
            }
            return new String(text);
        };
    }

    /** Any bytes, {@code 0..maxLength} of them. */
    public static Gen<byte[]> bytes(int maxLength) {
        return random -> {
            byte[] bytes = new byte[length(random, 0, maxLength)];
            random.nextBytes(bytes);
            return bytes;
        };
    }

    /** A list of {@code 0..maxSize} elements. */
    public static <T> Gen<List<T>> lists(Gen<T> elements, int maxSize) {
        return random -> {
            int size = length(random, 0, maxSize);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(elements.next(random));
            }
            return list;
        };
    }

    /** A map of {@code 0..maxSize} entries (fewer if a key comes twice), in the order drawn. */
    public static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int maxSize) {
        return random -> {
            int size = length(random, 0, maxSize);
            Map<K, V> map = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                map.put(keys.next(random), values.next(random));
            }
            return map;
        };
    }

    /** A length in {@code min..max}: the two ends one time in ten each, otherwise uniform. */
    private static int length(SplittableRandom random, int min, int max) {
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("lengths must be 0 <= min <= max, but were " + min + ".." + max);
        }
        return switch (random.nextInt(10)) {
            case 0 -> min;
            case 1 -> max;
            default -> random.nextInt(min, max + 1);
        };
    }

    private static int positiveInt(String property, int defaultValue) {
        String value = System.getProperty(property, "").trim();
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(property + " must be a positive whole number, but was " + value);
    }

    private static long seedProperty() {
        String value = System.getProperty("beacon.fuzz.seed", "").trim();
        if (value.isEmpty()) {
            return ThreadLocalRandom.current().nextLong();
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("beacon.fuzz.seed must be a whole number (a long), but was " + value);
        }
    }
}
