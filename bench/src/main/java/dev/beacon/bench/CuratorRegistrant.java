package dev.beacon.bench;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;

import java.util.concurrent.TimeUnit;

/**
 * The peer's registrant for the crash scenario, in its own JVM so that SIGKILL leaves its ZooKeeper session to
 * time out: {@code CuratorRegistrant <connect string> <session timeout ms, 0 = Curator's default> <service> <id>}
 * registers one instance with Curator's service discovery, prints {@code registered <negotiated session ms>}, and
 * runs until killed (or until its stdin closes, so it never outlives the harness).
 */
public final class CuratorRegistrant {

    private CuratorRegistrant() {
    }

    public static void main(String[] args) throws Exception {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder().connectString(args[0])
                .retryPolicy(new RetryOneTime(100));
        int session = Integer.parseInt(args[1]);
        if (session > 0) {
            builder.sessionTimeoutMs(session);
        }
        CuratorFramework client = builder.build();
        client.start();
        if (!client.blockUntilConnected(20, TimeUnit.SECONDS)) {
            System.err.println("curator registrant: cannot connect to " + args[0]);
            System.exit(3);
        }
        ServiceDiscovery<Void> discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client)
                .basePath(CuratorPeer.BASE_PATH).build();
        discovery.start();
        discovery.registerService(ServiceInstance.<Void>builder().name(args[2]).id(args[3]).address("127.0.0.1")
                .port(8080).build());
        System.out.println("registered " + client.getZookeeperClient().getZooKeeper().getSessionTimeout());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until SIGKILL, or until the harness goes away (its stdin closes)
        }
        System.exit(0);
    }
}
