package io.chronon.quarkus.peer;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * One kind of peer trouble, logged as a warning at most once per interval and at debug level in
 * between: a misconfigured or dead peer retries all the time, and the log must stay readable.
 */
final class ThrottledWarning {
    private static final long EVERY_MILLIS = 10_000;

    private final Logger log;
    private final AtomicLong last = new AtomicLong();

    ThrottledWarning(Logger log) {
        this.log = log;
    }

    void log(String message) {
        long now = System.currentTimeMillis();
        long previous = last.get();
        if (now - previous >= EVERY_MILLIS && last.compareAndSet(previous, now)) {
            log.warn(message);
        } else {
            log.debug(message);
        }
    }
}
