package dev.beacon.support;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs a warning the first time a key is seen, and stays quiet for that key afterwards: a corrupt entry read on every
 * poll, or a condition met on every heartbeat, is reported once, not flooded. Remembers at most {@value #MAX_KEYS}
 * keys (then new keys are not logged), so a stream of distinct bad inputs cannot grow memory. Thread-safe.
 */
public final class WarnOnce {

    static final int MAX_KEYS = 10_000;

    private final Logger log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public WarnOnce(Logger log) {
        this.log = log;
    }

    /**
     * Logs {@code pattern} (SLF4J's {@code {}} placeholders) at WARN if {@code key} was not seen before.
     *
     * @return true when this call logged
     */
    public boolean warn(String key, String pattern, Object... arguments) {
        if (seen.size() < MAX_KEYS && seen.add(key)) {
            log.warn(pattern, arguments);
            return true;
        }
        return false;
    }

    /** Forgets {@code key}: its next {@link #warn} logs again (for a condition that cleared and came back). */
    public void reset(String key) {
        seen.remove(key);
    }

    /** True when {@code key} was warned about and not {@linkplain #reset reset} since. */
    public boolean warned(String key) {
        return seen.contains(key);
    }
}
