package dev.beacon.agent.cli;

import dev.beacon.RegistryUnavailableException;
import picocli.CommandLine;

/** Turns exceptions into one line on stderr and an exit code. */
final class Errors {

    private Errors() {
    }

    static int exitCode(Throwable t) {
        if (t instanceof RegistryUnavailableException) {
            return BeaconCommand.UNREACHABLE;
        }
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            return BeaconCommand.USAGE;
        }
        return BeaconCommand.UNREACHABLE;
    }

    static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        commandLine.getErr().println("beacon " + commandLine.getCommandName() + ": " + message);
        return exitCode(e);
    }
}
