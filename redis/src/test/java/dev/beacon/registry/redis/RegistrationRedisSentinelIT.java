package dev.beacon.registry.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/**
 * The registration contract through Sentinel: the outage is the master killed with SIGKILL; it ends when the
 * sentinels have promoted the replica. The killed master is then started again and waited for as the new replica,
 * so that the next test can fail over too.
 */
class RegistrationRedisSentinelIT extends RegistrationRedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static SentinelSetup sentinel;

    @Override
    protected String baseUri() {
        if (sentinel == null) {
            sentinel = redis.sentinel("beacon-registration");
        }
        return sentinel.uri();
    }

    @Override
    protected void breakRegistry() {
        sentinel.killMaster();
    }

    @Override
    protected void restoreRegistry() {
        sentinel.awaitFailover();
        RedisServer former = sentinel.replica();
        RedisServer master = sentinel.master();
        former.restart();
        // the sentinels turn the returning master into a replica on their next INFO round (every 10 s), or later on a
        // loaded machine (CI once saw none within 30 s); say it ourselves, as they would: the next test only needs
        // a replica in sync to fail over to
        former.command("REPLICAOF", master.host(), Integer.toString(master.port()));
        Await.until(former + " is a replica in sync with " + master, Duration.ofSeconds(30),
                () -> former.info("replication", "master_link_status"), "up"::equals);
    }
}
