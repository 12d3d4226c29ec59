package dev.beacon.agent.cli;

import dev.beacon.agent.logging.AgentLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code java -jar beacon-agent.jar <command>}: the command line in the agent's jar. Exit codes: 0 ok, 1 nothing
 * found, 2 usage error, 3 registry unreachable; errors are one line on stderr, never a stack trace.
 */
@Command(name = "beacon", mixinStandardHelpOptions = true, versionProvider = BeaconCommand.Version.class,
        description = "Zero-code service discovery for the JVM.",
        subcommands = {ListCommand.class, GetCommand.class, PickCommand.class, WatchCommand.class, RegisterCommand.class,
            DeregisterCommand.class, MaintCommand.class, AttachCommand.class, ServeCommand.class, VersionCommand.class},
        footer = {"", "As an agent: java -javaagent:beacon-agent.jar=service=orders,meta.version=1.4 -jar app.jar"})
public final class BeaconCommand implements Runnable {

    public static final int OK = 0;
    public static final int NOTHING_FOUND = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        AgentLog.setLevel(System.getProperty("beacon.log", "warn"));
        CommandLine commandLine = new CommandLine(new BeaconCommand())
                .setOut(out)
                .setErr(err)
                .setExitCodeExceptionMapper(Errors::exitCode)
                .setExecutionExceptionHandler(Errors::handle)
                .setParameterExceptionHandler((e, a) -> {
                    String command = e.getCommandLine().getCommandSpec().qualifiedName(" ");
                    e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see: java -jar "
                            + "beacon-agent.jar " + command.replaceFirst("^beacon ?", "") + (command.equals("beacon")
                            ? "" : " ") + "--help)");
                    return USAGE;
                });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Beacon " + Version.VERSION);
        spec.commandLine().usage(out);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        static final String VERSION = versionOfJar();

        @Override
        public String[] getVersion() {
            return new String[]{"Beacon " + VERSION};
        }

        private static String versionOfJar() {
            String version = BeaconCommand.class.getPackage().getImplementationVersion();
            return version == null ? "development build" : version;
        }
    }
}
