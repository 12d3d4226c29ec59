package dev.beacon.registry.eureka.internal;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.support.DaemonThreads;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * Eureka's REST API over the JDK's {@link HttpClient}, with fail-over as Eureka's own clients do it: requests go to
 * the server that last answered, and on a connection failure, a timeout or a 5xx move on to the next one in the URI's
 * order, each tried once per request. Basic-auth credentials from the URI go in every request. Thread-safe.
 */
public final class EurekaHttp {

    /** A response: its status code and body. */
    public record Response(int status, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final EurekaRegistryUri uri;
    private final HttpClient client;
    private final java.util.concurrent.ExecutorService executor;
    private final Optional<String> authorization;
    private volatile int current;

    public EurekaHttp(EurekaRegistryUri uri) {
        this.uri = uri;
        this.executor = Executors.newCachedThreadPool(DaemonThreads.numbered("beacon-eureka-http-"));
        this.client = HttpClient.newBuilder()
                .connectTimeout(uri.timeout())
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.authorization = uri.user().map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + uri.password().orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends {@code method path} ({@code path} under the context path, e.g. {@code /apps/ORDERS}) with an optional
     * JSON body, to the current server and on to the others while they fail.
     *
     * @throws RegistryUnavailableException when no server answered (naming each one's failure)
     */
    public Response send(String method, String path, byte[] json, String what) {
        List<URI> servers = uri.servers();
        int start = current;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            int index = (start + i) % servers.size();
            URI base = servers.get(index);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(uri.timeout())
                    .header("Accept", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            authorization.ifPresent(value -> request.header("Authorization", value));
            try {
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() >= 500) {
                    failures.append(failures.isEmpty() ? "" : "; ").append(base).append(": HTTP ")
                            .append(response.statusCode());
                    continue;
                }
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new RegistryUnavailableException("Eureka registry " + uri + " refused to " + what + ": HTTP "
                            + response.statusCode() + " from " + base + (authorization.isPresent()
                            ? " (check the user:password in the URI)"
                            : " (it asks for credentials: give them in the URI, eureka://user:password@host:port/…)"),
                            null);
                }
                current = index;
                return new Response(response.statusCode(), response.body());
            } catch (IOException e) {
                failures.append(failures.isEmpty() ? "" : "; ").append(base).append(": ").append(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while the Eureka registry " + uri
                        + " was asked to " + what, e);
            }
        }
        throw new RegistryUnavailableException("Eureka registry " + uri + " failed to " + what + ": " + failures,
                null);
    }

    /** Ends the client's threads. */
    public void close() {
        executor.shutdownNow();
    }
}
