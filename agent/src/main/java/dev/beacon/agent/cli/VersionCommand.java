package dev.beacon.agent.cli;

import picocli.CommandLine.Command;

/** {@code beacon version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println("Beacon " + BeaconCommand.Version.VERSION);
    }
}
