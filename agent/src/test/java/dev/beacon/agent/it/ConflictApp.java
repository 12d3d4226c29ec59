package dev.beacon.agent.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * An app with its own old Jackson (2.9) and SLF4J 1.7 + slf4j-simple on the class path, run by {@link AgentIT}
 * with the agent: it must work unchanged and print no SLF4J binding warnings.
 */
public final class ConflictApp {

    private ConflictApp() {
    }

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger(ConflictApp.class);
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(Map.of("app", "conflict"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = json.getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        log.info("app logging works");
        System.out.println("jackson " + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        System.out.println("json " + json);
        System.out.println("listening on " + server.getAddress().getPort());
    }
}
