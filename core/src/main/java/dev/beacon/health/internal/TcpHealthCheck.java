package dev.beacon.health.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.health.HealthCheck;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** {@link HealthCheck#tcp}: connects to the instance's primary port and closes the connection at once. */
public final class TcpHealthCheck implements HealthCheck {

    private final Duration timeout;

    public TcpHealthCheck(Duration timeout) {
        this.timeout = Timeouts.check(timeout);
    }

    @Override
    public Result check(ServiceInstance instance) {
        long start = System.nanoTime();
        String shown = "tcp " + instance.address();
        try (Socket socket = new Socket()) {
            String host = instance.host().startsWith("[") ? instance.host().substring(1, instance.host().length() - 1)
                    : instance.host();
            socket.connect(new InetSocketAddress(host, instance.port()), (int) Math.max(1, timeout.toMillis()));
            Duration elapsed = Timeouts.since(start);
            return Result.pass(shown + " accepted the connection in " + elapsed.toMillis() + " ms", elapsed);
        } catch (SocketTimeoutException e) {
            return Result.fail(shown + ": connect timed out after " + timeout.toMillis() + " ms",
                    Timeouts.since(start));
        } catch (ConnectException e) {
            String message = e.getMessage();
            return Result.fail(message == null || message.toLowerCase(java.util.Locale.ROOT).contains("refused")
                    ? shown + ": connection refused" : shown + ": cannot connect: " + message, Timeouts.since(start));
        } catch (IOException | RuntimeException e) {
            return Result.fail(shown + " failed: " + e, Timeouts.since(start));
        }
    }

    @Override
    public String toString() {
        return "HealthCheck.tcp(" + timeout.toMillis() + " ms)";
    }
}
