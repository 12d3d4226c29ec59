package dev.beacon.registry.zookeeper;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service's watch ends with its last subscription, on a real ZooKeeper server (Curator's {@code TestingServer}, in
 * this JVM): its caches are closed and its persistent recursive watches leave the server, which the test reads from
 * the server's own {@code wchp} four-letter word (every watched path, of every session); and a later watch starts
 * again. Each test has its own base path.
 */
class ZooKeeperWatchReleaseIT {

    private static final String WHITELIST = "zookeeper.4lw.commands.whitelist";
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static TestingServer server;
    private static String whitelistBefore;

    @BeforeAll
    static void startServer() throws Exception {
        // The server in this JVM reads its whitelist of four-letter words when first asked: wchp is off by default.
        whitelistBefore = System.setProperty(WHITELIST, "srvr,wchp");
        FourLetterCommands.resetWhiteList();
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
        if (whitelistBefore == null) {
            System.clearProperty(WHITELIST);
        } else {
            System.setProperty(WHITELIST, whitelistBefore);
        }
        FourLetterCommands.resetWhiteList();
    }

    /** The paths on which the server holds a watch, of any session. */
    private static Set<String> watchedPaths() throws Exception {
        String dump = FourLetterWordMain.send4LetterWord("127.0.0.1", server.getPort(), "wchp");
        assertThat(dump).as("the server answers wchp").doesNotContain("not in the whitelist");
        return dump.lines().filter(line -> line.startsWith("/")).collect(Collectors.toSet());
    }

    private static Set<String> watchedPathsUnder(String base) throws Exception {
        return watchedPaths().stream().filter(path -> path.startsWith(base + "/") || path.startsWith(base + "-"))
                .collect(Collectors.toSet());
    }

    private static String newBase() {
        return "/release-" + TESTS.incrementAndGet();
    }

    private static ServiceRegistry open(String base) {
        return ZooKeeperServiceRegistry.open("zookeeper://" + server.getConnectString() + base);
    }

    /** The two paths a watch of {@code service} keeps a watch on: its instances and its maintenance records. */
    private static Set<String> pathsOf(String base, String service) {
        return Set.of(base + "/" + service, base + "-beacon/maintenance/" + service);
    }

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("127.0.0.1").port(8080).build();
    }

    /**
     * Bug: a service's two caches, and the server's watches of its paths, were kept until the registry closed, even
     * with no listener left, so a client that watched many services in turn held them all.
     */
    @Test
    void closingTheLastWatchOfAService_removesItsWatchesFromTheServer() throws Exception {
        String base = newBase();
        try (ServiceRegistry registry = open(base)) {
            Subscription first = registry.watch("orders", event -> { });
            Subscription second = registry.watch("orders", event -> { });
            Subscription users = registry.watch("users", event -> { });
            assertThat(watchedPathsUnder(base)).containsAll(pathsOf(base, "orders")).containsAll(pathsOf(base, "users"));

            first.close();
            assertThat(watchedPathsUnder(base)).as("orders is still watched once").containsAll(pathsOf(base, "orders"));
            second.close();
            second.close(); // closing twice changes nothing

            await("the server drops the watches of orders").atMost(Duration.ofSeconds(10))
                    .until(() -> watchedPathsUnder(base), paths -> paths.equals(pathsOf(base, "users")));
            users.close();
            await("and then those of users").atMost(Duration.ofSeconds(10))
                    .until(() -> watchedPathsUnder(base), Set::isEmpty);
        }
    }

    /**
     * A watch after the last one closed starts new caches: at once (while the previous ones may still be being
     * released) and once the server has dropped the previous watches.
     */
    @Test
    void watchAgainAfterTheLastWatchClosed_theNewListenerGetsEvents() throws Exception {
        String base = newBase();
        try (ServiceRegistry registry = open(base)) {
            registry.watch("orders", event -> { }).close();
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            Subscription again = registry.watch("orders", events::add);
            registry.register(instance("orders", "o-1"), Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertThat(events.get(0).type()).isEqualTo(RegistryEvent.Type.REGISTERED);
            assertThat(watchedPathsUnder(base)).isEqualTo(pathsOf(base, "orders"));
            again.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> watchedPathsUnder(base), Set::isEmpty);

            List<RegistryEvent> later = new CopyOnWriteArrayList<>();
            registry.watch("orders", later::add);
            registry.register(instance("orders", "o-2"), Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> later.size() == 1);
            assertThat(later.get(0).type()).isEqualTo(RegistryEvent.Type.REGISTERED);
            assertThat(later.get(0).instance().id()).isEqualTo("o-2");
            assertThat(watchedPathsUnder(base)).isEqualTo(pathsOf(base, "orders"));
            assertThat(events).as("the closed listener").hasSize(1);
        }
    }

    @Test
    void oneOfTwoListenersCloses_theOtherStillGetsEvents() throws Exception {
        String base = newBase();
        try (ServiceRegistry registry = open(base)) {
            List<RegistryEvent> closed = new CopyOnWriteArrayList<>();
            List<RegistryEvent> open = new CopyOnWriteArrayList<>();
            Subscription leaving = registry.watch("orders", closed::add);
            registry.watch("orders", open::add);
            leaving.close();

            registry.register(instance("orders", "o-1"), Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> open.size() == 1);
            registry.deregister("orders", "o-1");
            await().atMost(Duration.ofSeconds(10)).until(() -> open.size() == 2);

            assertThat(open).extracting(RegistryEvent::type)
                    .containsExactly(RegistryEvent.Type.REGISTERED, RegistryEvent.Type.DEREGISTERED);
            assertThat(closed).isEmpty();
            assertThat(watchedPathsUnder(base)).isEqualTo(pathsOf(base, "orders"));
        }
    }

    /**
     * The race of a new watch with the close of the last one: the new watch has found the service's caches, and its
     * listener waits for the delivery thread (held here by another service's listener) to be added, when the last
     * subscription closes. The caches must stay (a release at that moment would leave the new listener on closed
     * caches, never called again).
     */
    @Test
    void lastWatchClosedWhileANewWatchIsBeingAdded_theNewListenerGetsEvents() throws Exception {
        String base = newBase();
        try (ServiceRegistry registry = open(base)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            Subscription users = registry.watch("users", event -> {
                holding.countDown();
                try {
                    letGo.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Subscription last = registry.watch("orders", event -> { });
            registry.register(instance("users", "u-1"), Duration.ofMinutes(1));
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("the delivery thread is held").isTrue();

            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Subscription> added = new CompletableFuture<>();
            Thread watcher = new Thread(() -> {
                try {
                    added.complete(registry.watch("orders", events::add));
                } catch (RuntimeException e) {
                    added.completeExceptionally(e);
                }
            }, "test-new-watch");
            watcher.start();
            await("the new watch waits for its listener to be added").atMost(Duration.ofSeconds(10))
                    .until(() -> waitsForItsListener(watcher));

            last.close();
            letGo.countDown();

            added.get(10, TimeUnit.SECONDS);
            registry.register(instance("orders", "o-1"), Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertThat(events.get(0).type()).isEqualTo(RegistryEvent.Type.REGISTERED);
            assertThat(watchedPathsUnder(base)).containsAll(pathsOf(base, "orders"));
            users.close();
        }
    }

    /** Whether {@code thread} is in the registry's watch, waiting for the delivery thread to add its listener. */
    private static boolean waitsForItsListener(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().equals("dev.beacon.registry.zookeeper.internal.ZooKeeperWatches")
                    && stack[i - 1].getClassName().equals(CompletableFuture.class.getName())
                    && stack[i - 1].getMethodName().equals("get")) {
                return true;
            }
        }
        return false;
    }
}
