package dev.beacon.registry.eureka.internal;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Eureka's JSON instance format (what {@code POST /eureka/apps/{APP}} takes and {@code GET /eureka/apps} returns),
 * and how Beacon's instances and maintenance records live in it. Beacon's own fields are in the instance's
 * {@code metadata} map under {@code beacon.}-prefixed keys; the instance's metadata entries are there as they are, so
 * that Eureka clients (Spring Cloud's {@code ServiceInstance.getMetadata()}) read them:
 * <ul>
 * <li>{@code beacon.service}: Beacon's service name (Eureka upper-cases the app name);</li>
 * <li>{@code beacon.status}: Beacon's status (Eureka's has no DRAINING);</li>
 * <li>{@code beacon.ttl}: the lease in milliseconds (Eureka's {@code durationInSecs} is whole seconds);</li>
 * <li>{@code beacon.port.<name>}: each named port;</li>
 * <li>{@code beacon.metadata-keys}: the instance's own metadata keys, comma-separated (so that a metadata key of the
 *     app's that starts with {@code beacon.} is read back too).</li>
 * </ul>
 * Stateless.
 */
public final class EurekaJson {

    public static final String SERVICE = "beacon.service";
    public static final String STATUS = "beacon.status";
    public static final String TTL = "beacon.ttl";
    public static final String PORT_PREFIX = "beacon.port.";
    public static final String KEYS = "beacon.metadata-keys";
    /** The app whose instances are Beacon's maintenance records: one per (service, id), id {@code service~id}. */
    public static final String MAINTENANCE_APP = "BEACON-MAINTENANCE";
    static final String REASON = "beacon.maintenance.reason";
    static final String BY = "beacon.maintenance.by";
    static final String SINCE = "beacon.maintenance.since";
    static final String UNTIL = "beacon.maintenance.until";
    static final String RECORD_OF = "beacon.maintenance.of";

    private EurekaJson() {
    }

    /** Eureka's app name of a service: upper case (what Eureka makes of any name it is given). */
    public static String app(String service) {
        return service.toUpperCase(Locale.ROOT);
    }

    /** Eureka's status of a Beacon status: DRAINING is OUT_OF_SERVICE (no Eureka client routes to it). */
    public static String eurekaStatus(Status status) {
        return switch (status) {
            case STARTING -> "STARTING";
            case UP -> "UP";
            case DOWN -> "DOWN";
            case DRAINING, MAINTENANCE -> "OUT_OF_SERVICE";
        };
    }

    /** Beacon's status of an instance someone else registered: OUT_OF_SERVICE and UNKNOWN are DOWN. */
    static Status beaconStatus(String eurekaStatus) {
        return switch (eurekaStatus == null ? "" : eurekaStatus) {
            case "UP" -> Status.UP;
            case "STARTING" -> Status.STARTING;
            default -> Status.DOWN;
        };
    }

    /**
     * The body of a registration.
     *
     * @param dirty Eureka's {@code lastDirtyTimestamp}: a re-registration replaces the instance only if it is not
     *              older than the registered one's
     */
    public static byte[] registration(ServiceInstance instance, Duration ttl, Duration renewal, long dirty) {
        Map<String, Object> metadata = new LinkedHashMap<>(instance.metadata());
        metadata.put(SERVICE, instance.service());
        metadata.put(STATUS, instance.status().name());
        metadata.put(TTL, Long.toString(ttl.toMillis()));
        instance.ports().forEach((name, port) -> metadata.put(PORT_PREFIX + name, Integer.toString(port)));
        metadata.put(KEYS, String.join(",", instance.metadata().keySet()));
        String base = "http://" + instance.address();
        Map<String, Object> body = body(instance.id(), app(instance.service()), instance.host(), instance.port(),
                eurekaStatus(instance.status()), instance.service(), ttl, renewal, metadata, dirty);
        ((Map<String, Object>) body).put("homePageUrl", base + "/");
        return InstanceCodec.toBytes(Map.of("instance", body));
    }

    /** The body of a maintenance record's registration: never evicted (a year's lease), OUT_OF_SERVICE. */
    public static byte[] maintenanceRecord(String service, String id, Maintenance maintenance, long dirty) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(RECORD_OF, service + "/" + id);
        metadata.put(REASON, maintenance.reason());
        metadata.put(BY, maintenance.by());
        metadata.put(SINCE, Long.toString(maintenance.since().toEpochMilli()));
        maintenance.until().ifPresent(until -> metadata.put(UNTIL, Long.toString(until.toEpochMilli())));
        Map<String, Object> body = body(recordId(service, id), MAINTENANCE_APP, "127.0.0.1", 1, "OUT_OF_SERVICE",
                "beacon-maintenance", Duration.ofDays(365), Duration.ofDays(30), metadata, dirty);
        return InstanceCodec.toBytes(Map.of("instance", body));
    }

    public static String recordId(String service, String id) {
        return service + "~" + id;
    }

    private static Map<String, Object> body(String id, String app, String host, int port, String status, String vip,
                                            Duration ttl, Duration renewal, Map<String, Object> metadata,
                                            long dirty) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instanceId", id);
        body.put("hostName", host);
        body.put("app", app);
        body.put("ipAddr", host);
        body.put("status", status);
        body.put("overriddenStatus", "UNKNOWN");
        body.put("port", Map.of("$", port, "@enabled", "true"));
        body.put("securePort", Map.of("$", 443, "@enabled", "false"));
        body.put("countryId", 1);
        body.put("dataCenterInfo", Map.of("@class", "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                "name", "MyOwn"));
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("renewalIntervalInSecs", Math.max(1, renewal.toSeconds()));
        lease.put("durationInSecs", Math.max(1, (ttl.toMillis() + 999) / 1000));
        body.put("leaseInfo", lease);
        body.put("metadata", metadata);
        body.put("vipAddress", vip);
        body.put("secureVipAddress", vip);
        body.put("isCoordinatingDiscoveryServer", "false");
        body.put("lastUpdatedTimestamp", Long.toString(dirty));
        body.put("lastDirtyTimestamp", Long.toString(dirty));
        return body;
    }

    /** An instance as Eureka returns it: who, its Beacon form (if it is one), and its lease as Eureka keeps it. */
    public record Entry(String app, String id, String eurekaStatus, Map<String, String> metadata, String host,
                        int port, long registeredAt, long lastRenewal, long durationMillis) {

        /** Whether this is one of Beacon's maintenance records. */
        public boolean isMaintenanceRecord() {
            return metadata.containsKey(RECORD_OF);
        }

        /** Beacon's service name: from the metadata, else the app name in lower case. */
        public String service() {
            String service = metadata.get(SERVICE);
            return service != null ? service : app.toLowerCase(Locale.ROOT);
        }

        /**
         * When the instance was last registered or renewed. Eureka reports a renewal as its time plus the lease
         * duration (its {@code Lease.renew()} adds the duration to the time it keeps), and a registration as is.
         */
        public long renewedAt() {
            return lastRenewal > registeredAt ? Math.max(registeredAt, lastRenewal - durationMillis) : registeredAt;
        }

        /** Beacon's lease: the ttl in the metadata, else Eureka's duration. */
        public long ttlMillis() {
            String ttl = metadata.get(TTL);
            if (ttl != null) {
                try {
                    return Long.parseLong(ttl);
                } catch (NumberFormatException e) {
                    // not Beacon's: Eureka's own
                }
            }
            return durationMillis;
        }

        /**
         * The Beacon instance.
         *
         * @throws InvalidEntryException when it cannot be one (a name, host or metadata Beacon refuses)
         */
        public ServiceInstance instance() {
            try {
                Map<String, String> own = new LinkedHashMap<>();
                Map<String, Integer> ports = new LinkedHashMap<>();
                String keys = metadata.get(KEYS);
                if (keys != null) {
                    for (String key : keys.split(",")) {
                        if (!key.isEmpty() && metadata.containsKey(key)) {
                            own.put(key, metadata.get(key));
                        }
                    }
                    metadata.forEach((key, value) -> {
                        if (key.startsWith(PORT_PREFIX)) {
                            ports.put(key.substring(PORT_PREFIX.length()), Integer.parseInt(value));
                        }
                    });
                } else {
                    own.putAll(metadata);
                }
                String beaconStatus = metadata.get(STATUS);
                Status status = beaconStatus != null ? Status.parse(beaconStatus) : beaconStatus(eurekaStatus);
                return new ServiceInstance(service(), beaconId(id), host, port, status, own, ports);
            } catch (IllegalArgumentException e) {
                throw new InvalidEntryException(e.getMessage());
            }
        }

        /** The maintenance this record holds, if it is one. */
        public Optional<Maintenance> maintenance() {
            try {
                String until = metadata.get(UNTIL);
                return Optional.of(new Maintenance(metadata.getOrDefault(REASON, ""), metadata.getOrDefault(BY, "?"),
                        Instant.ofEpochMilli(Long.parseLong(metadata.getOrDefault(SINCE, "0"))),
                        until == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(until)))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** The (service, id) a maintenance record is about, {@code service/id}. */
        public String recordOf() {
            return metadata.getOrDefault(RECORD_OF, "");
        }
    }

    /**
     * A Beacon instance id for a Eureka one: Spring Cloud's default ({@code host:app:port}) has colons, which Beacon's
     * ids do not allow; each character Beacon refuses becomes {@code -}. Beacon's own ids are unchanged.
     */
    static String beaconId(String eurekaId) {
        String id = eurekaId.replaceAll("[^A-Za-z0-9._-]", "-");
        return id.length() > 128 ? id.substring(0, 128) : id;
    }

    /**
     * The instances of a response: {@code {"applications":{"application":[…]}}} ({@code GET /apps}),
     * {@code {"application":{…}}} ({@code GET /apps/APP}) or {@code {"instance":{…}}}.
     *
     * @throws InvalidEntryException when the response is not Eureka's JSON
     */
    public static List<Entry> entries(byte[] body) {
        Map<String, Object> root = InstanceCodec.parse(body);
        List<Entry> entries = new ArrayList<>();
        if (root.get("applications") instanceof Map<?, ?> apps) {
            for (Object app : list(apps.get("application"))) {
                if (app instanceof Map<?, ?> application) {
                    addInstances(application, entries);
                }
            }
        } else if (root.get("application") instanceof Map<?, ?> application) {
            addInstances(application, entries);
        } else if (root.get("instance") instanceof Map<?, ?> instance) {
            entries.add(entry(instance));
        } else {
            throw new InvalidEntryException("not a Eureka applications, application or instance document");
        }
        return entries;
    }

    private static void addInstances(Map<?, ?> application, List<Entry> entries) {
        for (Object instance : list(application.get("instance"))) {
            if (instance instanceof Map<?, ?> map) {
                entries.add(entry(map));
            }
        }
    }

    /** Eureka writes a list of one as the element itself in some versions: both are read. */
    private static List<?> list(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        return value == null ? List.of() : List.of(value);
    }

    private static Entry entry(Map<?, ?> instance) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (instance.get("metadata") instanceof Map<?, ?> meta) {
            meta.forEach((key, value) -> {
                if (!"@class".equals(key) && value != null) {
                    metadata.put(String.valueOf(key), String.valueOf(value));
                }
            });
        }
        int port = 0;
        if (instance.get("port") instanceof Map<?, ?> p) {
            port = (int) number(p.get("$"));
        }
        Map<?, ?> lease = instance.get("leaseInfo") instanceof Map<?, ?> l ? l : Map.of();
        String host = instance.get("ipAddr") != null ? String.valueOf(instance.get("ipAddr"))
                : String.valueOf(instance.get("hostName"));
        String app = String.valueOf(instance.get("app"));
        String id = instance.get("instanceId") != null ? String.valueOf(instance.get("instanceId"))
                : String.valueOf(instance.get("hostName"));
        return new Entry(app, id, String.valueOf(instance.get("status")), metadata, host, port,
                number(lease.get("registrationTimestamp")), number(lease.get("lastRenewalTimestamp")),
                number(lease.get("durationInSecs")) * 1000);
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
