package dev.beacon.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario's figures as a Markdown section: printed, and written to
 * {@code <beacon.reliability.figures>/<file>.md} for {@code reliability.sh} to collect into RELIABILITY.md.
 */
final class Figures {

    private final String file;
    private final String title;
    private final List<String> lines = new ArrayList<>();

    Figures(String file, String title) {
        this.file = file;
        this.title = title;
    }

    /** A line of prose under the title (what was checked, the settings). */
    Figures note(String text) {
        lines.add(text);
        return this;
    }

    /** A table row: {@code | what | value |}; the header is added before the first row. */
    Figures row(String what, Object value) {
        if (lines.stream().noneMatch(l -> l.startsWith("| figure |"))) {
            lines.add("");
            lines.add("| figure | value |");
            lines.add("|---|---|");
        }
        lines.add("| " + what + " | " + value + " |");
        return this;
    }

    /** Prints the section and writes it (also when an assertion fails afterwards: call it before asserting). */
    void write() {
        StringBuilder text = new StringBuilder("### " + title + "\n\n");
        lines.forEach(line -> text.append(line).append('\n'));
        System.out.println(text);
        String dir = System.getProperty("beacon.reliability.figures", "target/reliability");
        try {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, file + ".md"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figures to " + dir, e);
        }
    }

    /** p-th percentile (0..100) of {@code values} in ms, nearest rank. */
    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
