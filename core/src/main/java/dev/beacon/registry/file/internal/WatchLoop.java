package dev.beacon.registry.file.internal;

import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.file.internal.DirectoryEvents.Changes;
import dev.beacon.registry.file.internal.EntryFiles.Name;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The one thread ({@code beacon-file-registry-watch}) that keeps {@link WatchedServices} current: it re-reads an
 * entry as soon as the directory reports a change to its file, re-reads everything when the directory reports that
 * events were lost or that it was created, deleted or replaced, checks each lease at its deadline (an expiry changes
 * no file), and re-reads every watched service every {@value #RESCAN_MILLIS} ms as a safety net. Where changes cannot
 * be pushed it re-reads every watched service every poll interval instead. Each full read also tells the service
 * listeners of the services nobody watches.
 */
public final class WatchLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileServiceRegistry.class);

    /** The safety-net rescan while changes are pushed. */
    public static final long RESCAN_MILLIS = 5_000;

    private final DirectoryEvents events;
    private final WatchedServices watched;
    private final Clock clock;
    private final long pollMillis;
    private final WarnOnce warnOnce = new WarnOnce(log);
    private volatile boolean closed;
    private String lastProblem;
    private Thread thread;

    private WatchLoop(DirectoryEvents events, WatchedServices watched, Clock clock, long pollMillis) {
        this.events = events;
        this.watched = watched;
        this.clock = clock;
        this.pollMillis = pollMillis;
    }

    /**
     * Starts watching the directory (synchronously: changes made after this returns are seen) and the loop's thread.
     */
    public static WatchLoop start(PrivateDirectory directory, DirectoryEvents.Source source, WatchedServices watched,
                                  Clock clock, long pollMillis) {
        WatchLoop loop = new WatchLoop(DirectoryEvents.open(directory, source, pollMillis), watched, clock,
                pollMillis);
        loop.thread = DaemonThreads.start("beacon-file-registry-watch", loop::run);
        return loop;
    }

    /** True while the directory's changes are pushed (for tests and diagnostics). */
    public boolean pushing() {
        return events.pushing();
    }

    private void run() {
        long nextRescan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rescanMillis());
        while (!closed) {
            try {
                long untilRescan = TimeUnit.NANOSECONDS.toMillis(nextRescan - System.nanoTime());
                long deadline = watched.nextDeadline();
                long untilDeadline = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - clock.millis();
                Changes changes = events.await(Math.max(0, Math.min(untilRescan, untilDeadline)));
                if (closed) {
                    break;
                }
                if (changes.rescan()) {
                    watched.rescanAll();
                    watched.announceUnwatched();
                } else {
                    for (String fileName : changes.fileNames()) {
                        Name name = Name.parse(fileName);
                        if (name != null) {
                            watched.refresh(name);
                        }
                    }
                }
                if (System.nanoTime() - nextRescan >= 0) {
                    nextRescan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rescanMillis());
                    events.recheck();
                    watched.rescanAll();
                    watched.announceUnwatched();
                }
                watched.expireDue();
                recovered();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                problem(e);
            }
        }
    }

    private long rescanMillis() {
        return events.pushing() ? Math.max(RESCAN_MILLIS, pollMillis) : pollMillis;
    }

    /** Logs a failure once until the loop recovers (an unreadable or unsafe directory fails every pass). */
    private void problem(RuntimeException e) {
        String key = e.toString();
        if (warnOnce.warn(key, "watching {} failed; retrying", events, e)) {
            lastProblem = key;
        }
    }

    private void recovered() {
        if (lastProblem != null) {
            warnOnce.reset(lastProblem);
            lastProblem = null;
        }
    }

    /** Stops the thread and releases the watch service; waits briefly for the thread to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        events.close();
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            try {
                current.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
