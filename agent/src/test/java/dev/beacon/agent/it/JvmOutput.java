package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.testing.JavaProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an agent JVM must not print in the normal cases: an agent line at WARN or ERROR, an agent line that is not of
 * the shape {@code [beacon] <date> <time> <LEVEL> <message>} ({@link AgentLines}), or a warning of the JVM itself (a dynamically loaded agent, class data sharing turned off by the boot class path, Unsafe or
 * illegal reflective access, a deprecated option).
 */
final class JvmOutput {

    private JvmOutput() {
    }

    /** The offending lines of both streams, stdout first. */
    static List<String> warnings(JavaProcess jvm) {
        List<String> found = new ArrayList<>();
        Stream.concat(jvm.stdout().stream(), jvm.stderr().stream()).filter(JvmOutput::isWarning).forEach(found::add);
        return found;
    }

    static boolean isWarning(String line) {
        return AgentLines.isAgentLine(line) && (!AgentLines.isWellFormed(line) || AgentLines.isWarnOrError(line))
                // "WARNING: A Java agent has been loaded dynamically", "WARNING: sun.misc.Unsafe ...", ...
                || line.contains("WARNING")
                || line.contains("VM warning") // "OpenJDK 64-Bit Server VM warning: Sharing is only supported ..."
                || line.contains("Sharing is only supported")
                || line.contains("illegal reflective access") || line.contains("--illegal-access");
    }

    /** Fails, showing the whole output, when {@code jvm} printed any warning. */
    static void assertNoWarnings(JavaProcess jvm) {
        assertThat(warnings(jvm)).as("warnings printed by the agent or the JVM\n" + jvm.describe()).isEmpty();
    }
}
