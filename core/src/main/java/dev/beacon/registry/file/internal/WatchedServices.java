package dev.beacon.registry.file.internal;

import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.file.internal.EntryFiles.Name;
import dev.beacon.registry.spi.WatchHub;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the listeners of each watched service were last told (its live entries), and the events that bring them up to
 * date after a fresh read: one entry's file ({@link #refresh}), a whole service ({@link #rescan}), or the entries
 * whose lease deadline has passed ({@link #expireDue}). Because every event is the difference between what was told
 * and what is read now, the listeners always end up with the directory's current state, whatever was missed or
 * coalesced on the way (a change made and undone between two reads is not reported). The service listeners of the
 * hub hear of every new entry of a watched service and of every changed file of another service.
 *
 * <p>Thread-safe: reads and the events they cause happen under this object's lock, so a subscription's first
 * snapshot and the watch thread's reads are ordered, and events are published in the order of the reads.
 */
public final class WatchedServices {

    private record Deadline(long at, Name name) {
    }

    private final EntryFiles files;
    private final Clock clock;
    private final WatchHub hub;
    /** Per watched service: the live entries its listeners know, by id. */
    private final Map<String, Map<String, Entry>> seen = new HashMap<>();
    /** One pending check per known entry, at (or before) its lease's deadline or its maintenance's, if earlier. */
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
    private final Map<Name, Long> queuedAt = new HashMap<>();

    public WatchedServices(EntryFiles files, Clock clock, WatchHub hub) {
        this.files = files;
        this.clock = clock;
        this.hub = hub;
    }

    /**
     * Adds a listener. The first listener of a service reads it: events describe changes from that read on. Call
     * only once the directory's changes are being watched, or a change between the read and the watch is missed
     * until the next rescan.
     */
    public synchronized Subscription subscribe(String service, Consumer<RegistryEvent> listener) {
        if (!seen.containsKey(service)) {
            Map<String, Entry> snapshot = new HashMap<>(files.readService(service));
            seen.put(service, snapshot);
            snapshot.values().forEach(this::schedule);
        }
        Subscription added = hub.add(service, listener);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                unsubscribe(service, added);
            }
        };
    }

    private synchronized void unsubscribe(String service, Subscription added) {
        added.close();
        if (!hub.hasListeners(service) && seen.remove(service) != null) {
            queuedAt.keySet().removeIf(name -> name.service().equals(service));
            deadlines.removeIf(deadline -> deadline.name().service().equals(service));
        }
    }

    /** True while {@code service} has listeners. */
    public synchronized boolean watching(String service) {
        return seen.containsKey(service);
    }

    /**
     * Re-reads the entry file {@code name} of a watched service; for another service, only tells the service
     * listeners that it changed (it may be new).
     */
    public synchronized void refresh(Name name) {
        Map<String, Entry> known = seen.get(name.service());
        if (known == null) {
            hub.publishService(name.service());
            return;
        }
        long now = clock.millis();
        update(name, known, known.get(name.id()), files.readLive(name, now), now);
    }

    /** Re-reads every watched service. */
    public synchronized void rescanAll() {
        for (String service : List.copyOf(seen.keySet())) {
            rescan(service);
        }
    }

    /**
     * Tells the service listeners of every service with an entry file that nobody watches (after changes that name
     * no file, and on every periodic read: a watched service's new instances are told by its own reads).
     */
    public synchronized void announceUnwatched() {
        if (!hub.hasServiceListeners()) {
            return;
        }
        for (String service : files.namedServices()) {
            if (!seen.containsKey(service)) {
                hub.publishService(service);
            }
        }
    }

    /** Re-reads all entries of a watched service (a no-op for other services). */
    public synchronized void rescan(String service) {
        Map<String, Entry> known = seen.get(service);
        if (known == null) {
            return;
        }
        Map<String, Entry> live = files.readService(service);
        long now = clock.millis();
        Set<String> ids = new HashSet<>(known.keySet());
        ids.addAll(live.keySet());
        for (String id : ids) {
            update(new Name(service, id), known, known.get(id), live.get(id), now);
        }
    }

    /**
     * Checks the entries whose lease deadline (or maintenance deadline) has passed: expired unless renewed
     * meanwhile; shown with their registered status again once their maintenance ended.
     */
    public synchronized void expireDue() {
        long now = clock.millis();
        while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
            Deadline due = deadlines.poll();
            if (!Objects.equals(queuedAt.get(due.name()), due.at())) {
                continue; // superseded by an earlier deadline for the same entry
            }
            queuedAt.remove(due.name());
            Map<String, Entry> known = seen.get(due.name().service());
            Entry entry = known == null ? null : known.get(due.name().id());
            if (entry == null) {
                continue;
            }
            if (entry.nextChangeAt() > now) {
                schedule(entry); // renewed since this check was queued
            } else {
                refresh(due.name());
            }
        }
    }

    /** The earliest deadline to check, epoch milliseconds; {@link Long#MAX_VALUE} if none. */
    public synchronized long nextDeadline() {
        Deadline next = deadlines.peek();
        return next == null ? Long.MAX_VALUE : next.at();
    }

    private void update(Name name, Map<String, Entry> known, Entry old, Entry live, long now) {
        if (live != null) {
            known.put(name.id(), live);
            schedule(live);
            if (old == null) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.REGISTERED, live.instance()));
                hub.publishService(name.service());
            } else if (!old.instance().equals(live.instance())) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, live.instance()));
            }
        } else if (old != null) {
            known.remove(name.id());
            // Gone after its deadline: it expired (a reader may have reaped its file since); before: its owner
            // removed it.
            hub.publish(new RegistryEvent(old.expiresAt() <= now ? RegistryEvent.Type.EXPIRED
                    : RegistryEvent.Type.DEREGISTERED, old.instance()));
        }
    }

    private void schedule(Entry entry) {
        Name name = new Name(entry.instance().service(), entry.instance().id());
        Long queued = queuedAt.get(name);
        // A renewal moves the deadline later: the queued check finds it renewed and queues the new deadline then.
        long at = entry.nextChangeAt();
        if (queued == null || at < queued) {
            deadlines.add(new Deadline(at, name));
            queuedAt.put(name, at);
        }
    }
}
