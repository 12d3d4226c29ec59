package dev.beacon.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The JVMs agent integration tests run on: the one running the tests, plus every JDK home listed in the system
 * property {@code beacon.test.jdks} (comma-separated; {@code .ci/run} passes the Temurin 25 JDK). A listed JDK that
 * does not exist fails the test run rather than being skipped silently.
 */
public final class Jdks {

    private Jdks() {
    }

    public static Stream<Path> all() {
        List<Path> javas = new ArrayList<>();
        javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        String extra = System.getProperty("beacon.test.jdks", "");
        for (String home : extra.split(",")) {
            if (!home.isBlank()) {
                Path java = Path.of(home.trim(), "bin", "java");
                if (!Files.isExecutable(java)) {
                    throw new IllegalStateException("beacon.test.jdks names " + home + " but " + java
                            + " is not executable");
                }
                javas.add(java);
            }
        }
        return javas.stream();
    }

    public static Path current() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
