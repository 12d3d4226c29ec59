package dev.beacon;

import dev.beacon.support.Texts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One registered instance of a service: where it listens and what it says about itself. Immutable and validated on
 * construction; every message names the bad value and what is expected.
 *
 * @param service  service name, {@code [a-z0-9][a-z0-9._-]{0,62}}
 * @param id       instance id, unique within the service, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
 * @param host     address clients connect to (IP literal or host name)
 * @param port     the primary port, 1..65535
 * @param status   lifecycle status
 * @param metadata free-form string pairs (version, zone, weight, ...); at most {@value #MAX_METADATA_ENTRIES}
 *                 entries, keys {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}, values up to
 *                 {@value #MAX_METADATA_VALUE_LENGTH} characters
 * @param ports    the app's other listening ports by name (for example {@code admin=9090}); same bounds as ports
 * @param maintenance an operator's maintenance, as a registry shows it on the instances it returns: present exactly
 *                 when {@code status} is {@link Status#MAINTENANCE}. An instance as registered has none (the
 *                 seven-argument constructor, the builder); a registry refuses to register one that has.
 */
public record ServiceInstance(
        String service,
        String id,
        String host,
        int port,
        Status status,
        Map<String, String> metadata,
        Map<String, Integer> ports,
        Optional<Maintenance> maintenance) {

    public static final int MAX_METADATA_ENTRIES = 64;
    public static final int MAX_METADATA_VALUE_LENGTH = 1024;
    public static final int MAX_NAMED_PORTS = 32;

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]{1,253}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** RFC 3986's scheme: a letter, then letters, digits, '+', '-', '.'. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,31}");

    public ServiceInstance {
        checkServiceName(service);
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    "host must be an IP address or host name (letters, digits, '.', ':', '-'), but was "
                            + Texts.quote(host));
        }
        checkInstanceId(id);
        checkPort("port", port);
        Objects.requireNonNull(status, "status must not be null");
        metadata = checkMetadata(metadata);
        ports = checkPorts(ports);
        Objects.requireNonNull(maintenance, "maintenance must not be null (Optional.empty() when not in maintenance)");
        if (status == Status.MAINTENANCE && maintenance.isEmpty()) {
            throw new IllegalArgumentException("status MAINTENANCE is not registered: an operator sets it with "
                    + "'beacon maint' (ServiceRegistry.startMaintenance), and a registry shows it; register "
                    + "STARTING, UP, DOWN or DRAINING");
        }
        if (status != Status.MAINTENANCE && maintenance.isPresent()) {
            throw new IllegalArgumentException("an instance in maintenance has the status MAINTENANCE, but was "
                    + status);
        }
    }

    /** An instance as registered, not in maintenance. */
    public ServiceInstance(String service, String id, String host, int port, Status status,
                           Map<String, String> metadata, Map<String, Integer> ports) {
        this(service, id, host, port, status, metadata, ports, Optional.empty());
    }

    /** Starts a builder; {@code service} is the one required argument besides host and port. */
    public static Builder builder(String service) {
        return new Builder(service);
    }

    /**
     * A builder pre-filled with this instance's values. Its status is the one shown: an instance in maintenance
     * needs {@link Builder#status} before it builds.
     */
    public Builder toBuilder() {
        return new Builder(service).id(id).host(host).port(port).status(status).metadata(metadata).ports(ports);
    }

    /**
     * This instance with another status. An instance shown in maintenance becomes one as registered, without it.
     *
     * @throws IllegalArgumentException for {@link Status#MAINTENANCE}, which only {@link #inMaintenance} gives
     */
    public ServiceInstance withStatus(Status newStatus) {
        return newStatus == status ? this : new ServiceInstance(service, id, host, port, newStatus, metadata, ports);
    }

    /**
     * This instance as a registry shows it while {@code maintenance} lasts: status {@link Status#MAINTENANCE}, with
     * the maintenance's details. For registries; the registered status shows again once it ends.
     */
    public ServiceInstance inMaintenance(Maintenance maintenance) {
        return new ServiceInstance(service, id, host, port, Status.MAINTENANCE, metadata, ports,
                Optional.of(maintenance));
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The URI of this instance's primary port: {@code scheme://host:port}, with no path. IPv6 literals are put in
     * brackets ({@code http://[::1]:8080}), a zone id is kept as the JDK's {@link URI} and HTTP client read it
     * ({@code http://[fe80::1%eth0]:8080}). Add a path with {@link URI#resolve(String) resolve("/orders")}.
     *
     * @param scheme a URI scheme such as {@code http}, {@code https}, {@code grpc}
     * @throws IllegalArgumentException naming the bad value, if {@code scheme} is not a URI scheme or the host is a
     *                                  name a URI cannot hold (one with {@code _}, for example)
     */
    public URI uri(String scheme) {
        return uri(scheme, port);
    }

    /**
     * The URI of one of this instance's {@linkplain #ports() named ports}, like {@link #uri(String)}:
     * {@code uri("http", "admin")} gives {@code http://10.0.0.5:9090} for {@code admin=9090}.
     *
     * @return empty when the instance names no port {@code portName}
     * @throws IllegalArgumentException as {@link #uri(String)} does
     */
    public Optional<URI> uri(String scheme, String portName) {
        Integer named = ports.get(Objects.requireNonNull(portName, "portName"));
        return named == null ? Optional.empty() : Optional.of(uri(scheme, named.intValue()));
    }

    private URI uri(String scheme, int onPort) {
        if (scheme == null || !SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException("scheme must be a URI scheme (a letter, then letters, digits, '+', "
                    + "'-', '.'), such as http, but was " + Texts.quote(scheme));
        }
        // The multi-argument constructor brackets an IPv6 literal and leaves a zone id as "%eth0", the form the
        // JDK resolves; "%25eth0" (RFC 6874) would reach the resolver as the zone "25eth0".
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return new URI(scheme, null, bare, onPort, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("host " + Texts.quote(host) + " of " + service + " id=" + id
                    + " cannot be written in a " + scheme + " URI: " + e.getReason(), e);
        }
    }

    /**
     * Validates a service name.
     *
     * @throws IllegalArgumentException naming the bad value and the expected form
     */
    public static String checkServiceName(String service) {
        if (service == null || !SERVICE_NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("service name must match [a-z0-9][a-z0-9._-]{0,62} (lower-case "
                    + "letters, digits, '.', '_', '-'; at most 63 characters), but was " + Texts.quote(service));
        }
        return service;
    }

    /**
     * Validates an instance id.
     *
     * @throws IllegalArgumentException naming the bad value and the expected form
     */
    public static String checkInstanceId(String id) {
        if (id == null || !INSTANCE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("instance id must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}, but was "
                    + Texts.quote(id));
        }
        return id;
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1..65535, but was " + port);
        }
    }

    private static Map<String, String> checkMetadata(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new IllegalArgumentException("metadata may have at most " + MAX_METADATA_ENTRIES
                    + " entries, but had " + metadata.size());
        }
        Map<String, String> copy = new TreeMap<>();
        metadata.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(
                        "metadata key must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, but was " + Texts.quote(key));
            }
            if (value == null) {
                throw new IllegalArgumentException("metadata value of '" + key + "' must not be null");
            }
            if (value.length() > MAX_METADATA_VALUE_LENGTH) {
                throw new IllegalArgumentException("metadata value of '" + key + "' may have at most "
                        + MAX_METADATA_VALUE_LENGTH + " characters, but had " + value.length());
            }
            copy.put(key, value);
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }

    private static Map<String, Integer> checkPorts(Map<String, Integer> ports) {
        if (ports == null || ports.isEmpty()) {
            return Map.of();
        }
        if (ports.size() > MAX_NAMED_PORTS) {
            throw new IllegalArgumentException("an instance may name at most " + MAX_NAMED_PORTS
                    + " ports, but had " + ports.size());
        }
        Map<String, Integer> copy = new TreeMap<>();
        ports.forEach((name, value) -> {
            if (name == null || !KEY.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "port name must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, but was " + Texts.quote(name));
            }
            if (value == null) {
                throw new IllegalArgumentException("port '" + name + "' must not be null");
            }
            checkPort("port '" + name + "'", value);
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }

    /** Builds a {@link ServiceInstance}; not thread-safe. */
    public static final class Builder {
        private final String service;
        private String id;
        private String host;
        private int port;
        private Status status = Status.UP;
        private Map<String, String> metadata = Map.of();
        private Map<String, Integer> ports = Map.of();

        private Builder(String service) {
            this.service = service;
        }

        /**
         * Instance id; defaults to {@code host-port}, with characters an id may not hold replaced by {@code _} and
         * leading ones that may not start it dropped ({@code ::1} port 8080 gives {@code 1-8080}).
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Defaults to {@link Status#UP}. */
        public Builder status(Status status) {
            this.status = status;
            return this;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder metadata(String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(metadata);
            copy.put(key, value);
            this.metadata = copy;
            return this;
        }

        public Builder ports(Map<String, Integer> ports) {
            this.ports = ports;
            return this;
        }

        /** @throws IllegalArgumentException if any value is invalid, naming it */
        public ServiceInstance build() {
            // An id must start with a letter or digit; an IPv6 host ("::1", "[::1]") does not.
            String effectiveId = id != null ? id
                    : (host == null ? null
                            : (host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + port)
                                    .replaceFirst("^[^A-Za-z0-9]+", ""));
            return new ServiceInstance(service, effectiveId, host, port, status, metadata, ports);
        }
    }
}
