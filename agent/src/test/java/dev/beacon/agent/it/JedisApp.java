package dev.beacon.agent.it;

import com.sun.net.httpserver.HttpServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An app that ships its own, older Jedis (with its SLF4J 1.7) and talks to Redis through it, run by
 * {@link LibraryIsolationIT} with the agent registering in the same Redis through its own, relocated Jedis. Argument:
 * the Redis port. Every {@code GET /} increments {@code app:hits} and answers {@code hits <n>}. Prints
 * {@code jedis <jar>} and {@code listening on <port>}.
 */
public final class JedisApp {

    private JedisApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("jedis " + Jedis.class.getProtectionDomain().getCodeSource().getLocation());
        JedisPool pool = new JedisPool("127.0.0.1", Integer.parseInt(args[0]));
        try (Jedis jedis = pool.getResource()) {
            jedis.del("app:hits");
            System.out.println("redis " + jedis.ping());
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(0), 0); // all interfaces, as a real app
        server.createContext("/", exchange -> {
            byte[] body;
            int status = 200;
            try (Jedis jedis = pool.getResource()) {
                body = ("hits " + jedis.incr("app:hits")).getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException | LinkageError e) {
                status = 500;
                body = e.toString().getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
    }
}
