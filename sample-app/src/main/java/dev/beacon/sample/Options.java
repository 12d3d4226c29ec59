package dev.beacon.sample;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registries;

import java.util.Optional;

/**
 * The sample app's command line. Each option takes its value as the next argument or after {@code =}.
 *
 * @param port              port to listen on, 0 (the default) for any free port
 * @param name              shown in responses; defaults to {@code sample-app}
 * @param registryUri       the registry of the discovery client that {@code /call} and {@code /lookup} ask; defaults
 *                          to {@link Registries#DEFAULT_URI}. The app never registers itself: the agent does.
 * @param checkDeregistered service under which a shutdown hook reports whether this app is still registered
 */
record Options(int port, String name, String registryUri, Optional<String> checkDeregistered) {

    static final String USAGE = "usage: java -jar sample-app.jar [--port N] [--name NAME] [--registry URI]"
            + " [--check-deregistered-on-shutdown SERVICE]";

    private static final int MAX_NAME_LENGTH = 100;

    /**
     * Parses and validates the arguments.
     *
     * @throws IllegalArgumentException with one line naming the bad argument or value
     */
    static Options parse(String... args) {
        int port = 0;
        String name = "sample-app";
        String registryUri = Registries.DEFAULT_URI;
        String check = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String option = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            if (!option.equals("--port") && !option.equals("--name") && !option.equals("--registry")
                    && !option.equals("--check-deregistered-on-shutdown")) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            String value;
            if (option.length() < arg.length()) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(option + " needs a value"
                        + (i + 1 < args.length ? ", but was followed by '" + args[i + 1] + "'" : ""));
            }
            switch (option) {
                case "--port" -> port = parsePort(value);
                case "--name" -> name = checkName(value);
                case "--registry" -> registryUri = checkRegistry(value);
                default -> check = checkService(value);
            }
        }
        return new Options(port, name, registryUri, Optional.ofNullable(check));
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--port must be a number 0..65535 (0 = any free port), but was '"
                + value + "'");
    }

    private static String checkName(String value) {
        if (value.isBlank() || value.length() > MAX_NAME_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--name must be 1.." + MAX_NAME_LENGTH
                    + " printable characters, but was '" + value + "'");
        }
        return value;
    }

    private static String checkRegistry(String value) {
        try {
            return Registries.checkUri(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--registry: " + e.getMessage(), e);
        }
    }

    private static String checkService(String value) {
        try {
            return ServiceInstance.checkServiceName(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--check-deregistered-on-shutdown: " + e.getMessage(), e);
        }
    }
}
