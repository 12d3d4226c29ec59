package dev.beacon.server.internal;

import dev.beacon.json.InstanceJson;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A registry event as the event streams send it. A registration or an update writes a fresh lease, so it carries the
 * time of that lease, {@code renewedAt} (the last heartbeat), as the listings do: a page shows the age of the last
 * heartbeat of an instance it learnt of from the stream without asking for the leases.
 *
 * @param renewedAt the lease's time: read from the registry where known, else when the server received the event
 *                  (milliseconds after the write, for registries that push their changes); empty for a
 *                  deregistration or an expiry
 */
record StreamedEvent(RegistryEvent event, Optional<Instant> renewedAt) {

    StreamedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(renewedAt, "renewedAt");
    }

    /** {@code event} as received at {@code now}: a registration or update is stamped with {@code now}. */
    static StreamedEvent received(RegistryEvent event, Instant now) {
        boolean writesLease = event.type() == RegistryEvent.Type.REGISTERED
                || event.type() == RegistryEvent.Type.UPDATED;
        return new StreamedEvent(event, writesLease ? Optional.of(now) : Optional.empty());
    }

    /** A live instance announced as registered, with its lease's time. */
    static StreamedEvent registered(Lease lease) {
        return new StreamedEvent(new RegistryEvent(RegistryEvent.Type.REGISTERED, lease.instance()),
                Optional.of(lease.renewedAt()));
    }

    /** The {@code data:} of the event: the instance with its service first, then {@code renewedAt} when known. */
    Map<String, Object> json() {
        Map<String, Object> json = InstanceJson.withService(event.instance());
        renewedAt.ifPresent(at -> json.put("renewedAt", at.toString()));
        return json;
    }
}
