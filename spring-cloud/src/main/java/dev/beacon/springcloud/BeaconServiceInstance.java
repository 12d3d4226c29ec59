package dev.beacon.springcloud;

import org.springframework.cloud.client.ServiceInstance;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A Beacon instance as Spring Cloud sees it. Its metadata is Beacon's (zone, version, ...). It is secure when it
 * has a port named {@code https} (then {@link #getPort()} is that port) or its metadata says {@code secure=true}.
 * Immutable.
 */
public final class BeaconServiceInstance implements ServiceInstance {

    private final dev.beacon.ServiceInstance instance;
    private final boolean secure;
    private final int port;

    BeaconServiceInstance(dev.beacon.ServiceInstance instance) {
        this.instance = Objects.requireNonNull(instance, "instance");
        Integer https = instance.ports().get("https");
        this.secure = https != null || "true".equalsIgnoreCase(instance.metadata().get("secure"));
        this.port = https != null ? https : instance.port();
    }

    /** The instance as Beacon's registry lists it. */
    public dev.beacon.ServiceInstance beaconInstance() {
        return instance;
    }

    @Override
    public String getInstanceId() {
        return instance.id();
    }

    @Override
    public String getServiceId() {
        return instance.service();
    }

    @Override
    public String getHost() {
        return instance.host();
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public URI getUri() {
        return instance.uri(getScheme(), "https").filter(uri -> secure).orElseGet(() -> instance.uri(getScheme()));
    }

    @Override
    public Map<String, String> getMetadata() {
        return instance.metadata();
    }

    @Override
    public String getScheme() {
        return secure ? "https" : "http";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BeaconServiceInstance that && instance.equals(that.instance);
    }

    @Override
    public int hashCode() {
        return instance.hashCode();
    }

    @Override
    public String toString() {
        return getScheme() + "://" + instance.address() + " (" + instance.service() + " id=" + instance.id() + ")";
    }
}
