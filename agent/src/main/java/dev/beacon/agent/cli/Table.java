package dev.beacon.agent.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as left-aligned columns separated by two spaces; control characters are shown escaped. */
final class Table {

    private Table() {
    }

    static void print(PrintWriter out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                row[i] = clean(row[i]);
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String clean(String value) {
        StringBuilder clean = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            clean.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
        }
        return clean.toString();
    }
}
