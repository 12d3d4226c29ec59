package dev.beacon.registry.zookeeper;

import dev.beacon.Maintenance;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.Registration;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.Ttl;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.registry.zookeeper.internal.CuratorPayload;
import dev.beacon.registry.zookeeper.internal.ZooKeeperRegistryUri;
import dev.beacon.registry.zookeeper.internal.ZooKeeperWatches;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.WarnOnce;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A registry on ZooKeeper in Apache Curator's service-discovery layout, so that Curator's {@code ServiceDiscovery}
 * (and Spring Cloud Zookeeper, which uses it) and Beacon see each other's instances. URI:
 * {@code zookeeper://[user:password@]host[:port][,host[:port]…][/base/path][?session-timeout=…&connect-timeout=…&payload=map|spring-cloud]}
 * (port 2181, base path {@code /services} and payload {@code map} by default).
 *
 * <p><b>Layout.</b> An instance is the ephemeral node {@code <base>/<service>/<id>} holding Curator's JSON
 * {@code ServiceInstance} ({@link CuratorPayload} shows it), Beacon's status, metadata, named ports and ttl in its
 * payload. A maintenance record is the persistent node {@code <base>-beacon/maintenance/<service>/<id>}, outside
 * Curator's tree so that Curator never lists it.
 *
 * <p><b>Leases.</b> Two ends: the node is ephemeral, so it goes with the ZooKeeper session of the process that wrote
 * it (a crashed process's instances vanish when its session expires, for Curator's readers too); and Beacon's readers
 * also drop a node whose last write (its {@code mtime}, the ZooKeeper leader's clock) is older than its ttl, which is
 * what makes {@link #renew} (a rewrite of the node) a heartbeat. That second end compares the leader's clock with the
 * reader's: clocks must agree within a fraction of the ttl (NTP). The session timeout is the
 * {@code session-timeout} option, else the ttl of this handle's first registration (so the agent's ttl), else 9 s,
 * within the bounds the server allows (by default 2 to 20 ticks, 4 s to 40 s); the one negotiated is logged at INFO.
 * After the session expired (a long network cut), the handle recreates the nodes it registered as soon as it has a new
 * session; the agent's next heartbeat would too. The recreation writes the payload of the latest {@link #register}
 * of each node (also one that failed during the outage), and the writes of one node are ordered, so an update made
 * during an outage is never undone by the recreation of the payload it replaced.
 *
 * <p><b>Watches</b> use Curator's {@code CuratorCache} (a persistent recursive watch per watched service), so events
 * arrive within a round trip of the change; an instance whose ttl passes without a renewal is reported
 * {@link RegistryEvent.Type#EXPIRED} at its deadline, and one whose node is removed is reported
 * {@link RegistryEvent.Type#DEREGISTERED}, also when ZooKeeper removed it at the end of its session. A service's caches
 * and their watches on the server last while it has a listener: closing its last {@link Subscription} closes them, and
 * a later {@link #watch} starts new ones.
 *
 * <p><b>Differences from the contract</b>, forced by ZooKeeper: {@link #close()} ends the session, so the instances
 * registered through this handle go with it (the contract leaves them to expire); new services are not reported
 * ({@link #watchServices} throws); reads cost one round trip per instance ({@link #services()} reads every instance).
 * A node someone else wrote without Beacon's ttl has no deadline but its session: its lease is reported as ending
 * one session timeout after its last write.
 *
 * <p><b>Security.</b> With {@code user:password} in the URI the handle authenticates with ZooKeeper's digest scheme;
 * the nodes it creates for instances and maintenance records can then be changed by that user only
 * ({@code auth} ALL) and read by anyone ({@code world:anyone} READ), and the service and base nodes it creates are
 * open ({@code world:anyone} ALL) so that other writers can add their instances (and, ZooKeeper's rule for a
 * parent's children, remove them). Without credentials, every node
 * is open (ZooKeeper's {@code OPEN_ACL_UNSAFE}). The password is masked in every message and {@link #toString()}.
 *
 * <p>Thread-safe. Owns Curator's and ZooKeeper's daemon threads (from the first call), a watch delivery thread and a
 * timer thread (from the first watch).
 */
public final class ZooKeeperServiceRegistry implements ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperServiceRegistry.class);
    private static final int ATTEMPTS = 5;

    private final ZooKeeperRegistryUri uri;
    private final String maintenanceBase;
    private final Clock clock;
    /**
     * What this handle registered (node path to the payload of its latest registration, also one that failed
     * during an outage), for its recreation after a reconnection; changed only under the path's {@link #writeLock}.
     */
    private final Map<String, byte[]> owned = new ConcurrentHashMap<>();
    private final Object[] writeLocks = new Object[32];
    private final WarnOnce invalidEntries = new WarnOnce(log);
    private volatile CuratorFramework client;
    private volatile ZooKeeperWatches watches;
    private volatile long sessionTimeoutMillis;
    private volatile boolean closed;

    private ZooKeeperServiceRegistry(ZooKeeperRegistryUri uri, Clock clock) {
        this.uri = uri;
        this.clock = clock;
        this.maintenanceBase = uri.basePath() + "-beacon/maintenance";
        java.util.Arrays.setAll(writeLocks, i -> new Object());
    }

    /**
     * Opens the registry named by {@code uri}; connects on first use.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    public static ZooKeeperServiceRegistry open(String uri) {
        return new ZooKeeperServiceRegistry(ZooKeeperRegistryUri.parse(uri), Clock.systemUTC());
    }

    /** The node path of an instance, {@code <base>/<service>/<id>}. */
    private String instancePath(String service, String id) {
        return uri.basePath() + "/" + service + "/" + id;
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Objects.requireNonNull(instance, "instance");
        Ttl.check(ttl);
        ServiceRegistry.checkRegistrable(instance);
        CuratorFramework c = client(ttl);
        String path = instancePath(instance.service(), instance.id());
        byte[] data = CuratorPayload.encode(instance, ttl, uri.payload(), clock.millis());
        synchronized (writeLock(path)) {
            // remembered before the write: a recreation after a reconnection writes this, never an older payload
            byte[] previous = owned.put(path, data);
            try {
                call("register " + instance.service() + "/" + instance.id(), () -> {
                    write(c, path, data);
                    return null;
                });
            } catch (RuntimeException e) {
                if (previous == null) {
                    owned.remove(path, data); // not known to be registered: nothing to recreate
                }
                throw e;
            }
        }
    }

    /**
     * The lock that orders the writes of this handle to one node: a registration, a deregistration and the
     * recreation after a reconnection, so that the last write is always of the latest payload.
     */
    private Object writeLock(String path) {
        return writeLocks[Math.floorMod(path.hashCode(), writeLocks.length)];
    }

    /** Creates the node in this session, or rewrites it when this session owns it, or replaces another's. */
    private void write(CuratorFramework c, String path, byte[] data) throws Exception {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                c.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                return;
            } catch (KeeperException.NodeExistsException exists) {
                Stat stat = c.checkExists().forPath(path);
                if (stat == null) {
                    continue;
                }
                try {
                    if (stat.getEphemeralOwner() == c.getZookeeperClient().getZooKeeper().getSessionId()) {
                        c.setData().withVersion(stat.getVersion()).forPath(path, data);
                        return;
                    }
                    // another session's node (a second handle, or this process's previous session): make it ours, or
                    // it would go with that session
                    c.delete().withVersion(stat.getVersion()).forPath(path);
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                    // changed meanwhile: try again
                }
            }
        }
        throw new KeeperException.BadVersionException(path);
    }

    @Override
    public boolean renew(String service, String id) {
        checkNames(service, id);
        CuratorFramework c = client(null);
        String path = instancePath(service, id);
        return call("renew " + service + "/" + id, () -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = c.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    return false;
                }
                if (!live(service, id, data, stat, clock.millis())) {
                    return false;
                }
                try {
                    c.setData().withVersion(stat.getVersion()).forPath(path, data); // a new mtime: the heartbeat
                    return true;
                } catch (KeeperException.BadVersionException raced) {
                    // rewritten meanwhile: read again
                } catch (KeeperException.NoNodeException gone) {
                    return false;
                }
            }
            return true; // rewritten by others throughout: it is being kept alive
        });
    }

    @Override
    public boolean deregister(String service, String id) {
        checkNames(service, id);
        CuratorFramework c = client(null);
        String path = instancePath(service, id);
        synchronized (writeLock(path)) {
            owned.remove(path); // not recreated after a reconnection, even if this call fails
            return call("deregister " + service + "/" + id, () -> {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = c.getData().storingStatIn(stat).forPath(path);
                    c.delete().forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    return false;
                }
                return live(service, id, data, stat, clock.millis());
            });
        }
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        return leases(service).stream().map(Lease::instance).toList();
    }

    @Override
    public List<Lease> leases(String service) {
        ServiceInstance.checkServiceName(service);
        CuratorFramework c = client(null);
        return call("read " + service, () -> readLeases(c, service));
    }

    private List<Lease> readLeases(CuratorFramework c, String service) throws Exception {
        List<String> ids;
        try {
            ids = c.getChildren().forPath(uri.basePath() + "/" + service);
        } catch (KeeperException.NoNodeException none) {
            return List.of();
        }
        long now = clock.millis();
        Map<String, Maintenance> maintenance = ids.isEmpty() ? Map.of() : readMaintenance(c, service, now);
        List<Lease> leases = new ArrayList<>();
        for (String id : ids) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = c.getData().storingStatIn(stat).forPath(uri.basePath() + "/" + service + "/" + id);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            lease(service, id, data, stat.getMtime(), now, maintenance.get(id)).ifPresent(leases::add);
        }
        leases.sort(Comparator.comparing(lease -> lease.instance().id()));
        return List.copyOf(leases);
    }

    /**
     * The lease of a node's content last written at {@code mtime}, shown in {@code maintenance} if any; empty when it
     * is past its ttl or not an instance Beacon can list (one warning per kind of problem).
     */
    private Optional<Lease> lease(String service, String id, byte[] data, long mtime, long now,
                                 Maintenance maintenance) {
        CuratorPayload.Entry entry;
        try {
            ServiceInstance.checkInstanceId(id);
            entry = CuratorPayload.decode(service, id, data);
        } catch (IllegalArgumentException | InvalidEntryException e) {
            invalidEntries.warn(instancePath(service, id) + " " + e.getMessage(), "skipping ZooKeeper node {} in {}: {}",
                    instancePath(service, id), uri, e.getMessage());
            return Optional.empty();
        }
        // a node without Beacon's ttl lives as long as its writer's session: at most a session timeout from now
        long end = entry.ttlMillis() > 0 ? mtime + entry.ttlMillis()
                : Math.max(mtime, now) + Math.max(sessionTimeoutMillis, 1000);
        if (end <= now) {
            return Optional.empty();
        }
        ServiceInstance instance = maintenance != null ? entry.instance().inMaintenance(maintenance) : entry.instance();
        return Optional.of(new Lease(instance, Instant.ofEpochMilli(mtime), Instant.ofEpochMilli(end)));
    }

    private boolean live(String service, String id, byte[] data, Stat stat, long now) {
        return lease(service, id, data, stat.getMtime(), now, null).isPresent();
    }

    @Override
    public Set<String> services() {
        CuratorFramework c = client(null);
        return call("list services", () -> {
            List<String> names;
            try {
                names = c.getChildren().forPath(uri.basePath());
            } catch (KeeperException.NoNodeException none) {
                return Set.of();
            }
            Set<String> live = new TreeSet<>();
            for (String name : names) {
                if (validService(name) && !readLeases(c, name).isEmpty()) {
                    live.add(name);
                }
            }
            return java.util.Collections.unmodifiableSet(live);
        });
    }

    private static boolean validService(String name) {
        try {
            ServiceInstance.checkServiceName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        return watches().watch(service, listener);
    }

    private ZooKeeperWatches watches() {
        CuratorFramework c = client(null);
        ZooKeeperWatches current = watches;
        if (current == null) {
            synchronized (this) {
                current = watches;
                if (current == null) {
                    checkOpen();
                    watches = current = new ZooKeeperWatches(c, uri.basePath(), maintenanceBase, clock,
                            uri.connectTimeout(), this::lease, this::maintenanceRecord, this::leases);
                }
            }
        }
        return current;
    }

    // ---- maintenance

    @Override
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        checkNames(service, id);
        Objects.requireNonNull(request, "request");
        CuratorFramework c = client(null);
        return call("start the maintenance of " + service + "/" + id, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = c.getData().storingStatIn(stat).forPath(instancePath(service, id));
                if (!live(service, id, data, stat, clock.millis())) {
                    return Optional.empty();
                }
            } catch (KeeperException.NoNodeException gone) {
                return Optional.empty();
            }
            Instant now = Instant.ofEpochMilli(clock.millis()); // stored in milliseconds
            Maintenance record = request.recordAt(now, readMaintenance(c, service, id, now.toEpochMilli()));
            byte[] bytes = InstanceCodec.toBytes(InstanceCodec.maintenanceToMap(record));
            String path = maintenanceBase + "/" + service + "/" + id;
            try {
                c.setData().forPath(path, bytes);
            } catch (KeeperException.NoNodeException absent) {
                try {
                    c.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, bytes);
                } catch (KeeperException.NodeExistsException raced) {
                    c.setData().forPath(path, bytes);
                }
            }
            return Optional.of(record);
        });
    }

    @Override
    public boolean endMaintenance(String service, String id) {
        checkNames(service, id);
        CuratorFramework c = client(null);
        return call("end the maintenance of " + service + "/" + id, () -> {
            Optional<Maintenance> current = readMaintenance(c, service, id, clock.millis());
            try {
                c.delete().forPath(maintenanceBase + "/" + service + "/" + id);
            } catch (KeeperException.NoNodeException none) {
                return false;
            }
            return current.isPresent();
        });
    }

    @Override
    public Optional<Maintenance> maintenance(String service, String id) {
        checkNames(service, id);
        CuratorFramework c = client(null);
        return call("read the maintenance of " + service + "/" + id,
                () -> readMaintenance(c, service, id, clock.millis()));
    }

    private Optional<Maintenance> readMaintenance(CuratorFramework c, String service, String id, long now)
            throws Exception {
        try {
            return maintenanceRecord(c.getData().forPath(maintenanceBase + "/" + service + "/" + id), now);
        } catch (KeeperException.NoNodeException none) {
            return Optional.empty();
        }
    }

    private Map<String, Maintenance> readMaintenance(CuratorFramework c, String service, long now) throws Exception {
        List<String> ids;
        try {
            ids = c.getChildren().forPath(maintenanceBase + "/" + service);
        } catch (KeeperException.NoNodeException none) {
            return Map.of();
        }
        Map<String, Maintenance> records = new LinkedHashMap<>();
        for (String id : ids) {
            readMaintenance(c, service, id, now).ifPresent(m -> records.put(id, m));
        }
        return records;
    }

    /** A maintenance node's content, when it is in force at {@code now}. */
    private Optional<Maintenance> maintenanceRecord(byte[] data, long now) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            Maintenance m = InstanceCodec.maintenanceFromMap(InstanceCodec.parse(data));
            return m.inForceAt(Instant.ofEpochMilli(now)) ? Optional.of(m) : Optional.empty();
        } catch (InvalidEntryException e) {
            invalidEntries.warn(e.getMessage(), "skipping a ZooKeeper maintenance record in {}: {}", uri,
                    e.getMessage());
            return Optional.empty();
        }
    }

    // ---- the client

    /**
     * The started client; the first call creates it, with a session timeout of the URI's, else {@code ttl}'s, else
     * the default ttl.
     */
    private CuratorFramework client(Duration ttl) {
        checkOpen();
        CuratorFramework current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            checkOpen();
            if (client == null) {
                Duration session = uri.sessionTimeout().orElse(ttl != null ? ttl : Registration.DEFAULT_TTL);
                CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                        .connectString(uri.connectString())
                        .sessionTimeoutMs((int) session.toMillis())
                        // not above the session timeout, which Curator warns about
                        .connectionTimeoutMs((int) Math.min(uri.connectTimeout().toMillis(), session.toMillis()))
                        .retryPolicy(new RetryNTimes(1, 100))
                        .threadFactory(DaemonThreads.numbered("beacon-zookeeper-"));
                if (uri.user().isPresent()) {
                    builder.authorization("digest", (uri.user().get() + ":" + uri.password().orElse(""))
                            .getBytes(StandardCharsets.UTF_8));
                    builder.aclProvider(new Acls(uri.basePath(), maintenanceBase));
                }
                CuratorFramework created = builder.build();
                long asked = session.toMillis();
                created.getConnectionStateListenable().addListener((c, state) -> onState(c, state, asked));
                created.start();
                client = created;
            }
            return client;
        }
    }

    private void onState(CuratorFramework c, ConnectionState state, long askedMillis) {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
            try {
                long sessionId = c.getZookeeperClient().getZooKeeper().getSessionId();
                int negotiated = c.getZookeeperClient().getZooKeeper().getSessionTimeout();
                sessionTimeoutMillis = negotiated;
                log.info("ZooKeeper registry {}: session 0x{} {}, timeout {} ms (asked {} ms{})", uri,
                        Long.toHexString(sessionId), state == ConnectionState.CONNECTED ? "opened" : "resumed",
                        negotiated, askedMillis, negotiated == askedMillis ? "" : ", bounded by the server");
            } catch (Exception e) {
                log.warn("ZooKeeper registry {}: cannot read the session", uri, e);
            }
        }
        if (state == ConnectionState.LOST) {
            log.warn("ZooKeeper registry {}: session lost; its instances are recreated once connected again", uri);
        }
        if (state == ConnectionState.RECONNECTED && !owned.isEmpty()) {
            // the session may be a new one (the old expired): recreate what this handle registered, off this thread
            DaemonThreads.start("beacon-zookeeper-reregister", () -> recreate(c));
        }
    }

    /**
     * Writes each node this handle registered again where it is absent, another session's (the old session's, which
     * the server will expire with its nodes) or not the latest payload. Each under its path's lock, with the payload
     * remembered last: a registration made meanwhile (the agent's heartbeat registering again, an update retried
     * after the outage) is never overwritten by an older payload.
     */
    private void recreate(CuratorFramework c) {
        for (String path : owned.keySet()) {
            if (closed) {
                return;
            }
            synchronized (writeLock(path)) {
                byte[] latest = owned.get(path);
                if (latest == null) {
                    continue; // deregistered meanwhile
                }
                try {
                    long session = c.getZookeeperClient().getZooKeeper().getSessionId();
                    Stat stat = new Stat();
                    byte[] current;
                    try {
                        current = c.getData().storingStatIn(stat).forPath(path);
                    } catch (KeeperException.NoNodeException absent) {
                        current = null;
                    }
                    if (current == null || stat.getEphemeralOwner() != session
                            || !java.util.Arrays.equals(current, latest)) {
                        write(c, path, latest);
                        log.info("ZooKeeper registry {}: registered {} again in session 0x{}", uri, path,
                                Long.toHexString(session));
                    }
                } catch (Exception e) {
                    if (!closed) {
                        log.warn("ZooKeeper registry {}: cannot register {} again; the next heartbeat will", uri,
                                path, e);
                    }
                }
            }
        }
    }

    /** A ZooKeeper call, its failures as Beacon's exceptions. */
    private <T> T call(String what, ZooKeeperCall<T> call) {
        checkOpen();
        try {
            return call.run();
        } catch (KeeperException e) {
            throw new RegistryUnavailableException("ZooKeeper registry " + uri + " failed to " + what + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while the ZooKeeper registry " + uri + " was asked to "
                    + what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RegistryUnavailableException("ZooKeeper registry " + uri + " failed to " + what + ": " + e, e);
        }
    }

    @FunctionalInterface
    private interface ZooKeeperCall<T> {
        T run() throws Exception;
    }

    private static void checkNames(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ZooKeeper registry " + uri + " is closed");
        }
    }

    /**
     * Ends the session, so the instances registered through this handle are removed at once (ZooKeeper's ephemeral
     * nodes). Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ZooKeeperWatches w = watches;
        if (w != null) {
            w.close();
        }
        CuratorFramework c = client;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperServiceRegistry[" + uri + "]";
    }

    /** Instances and maintenance records writable by their creator, readable by all; other nodes open. */
    private record Acls(String basePath, String maintenanceBase) implements ACLProvider {
        // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an exception
        private static final List<ACL> RECORD = java.util.Collections.unmodifiableList(java.util.Arrays.asList(
                new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            boolean record = depth(path, basePath) == 2 || depth(path, maintenanceBase) == 2;
            return record ? RECORD : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }

        private static int depth(String path, String base) {
            if (!path.startsWith(base + "/")) {
                return -1;
            }
            return path.substring(base.length() + 1).split("/").length;
        }
    }
}
