package io.chronon.engine;

import java.util.NoSuchElementException;

/**
 * Reads a range of durable entries in order for catch-up, replay and time travel, verifying each
 * entry's checksum and payload hash and each link of the hash chain. A failed check throws
 * {@link EntryUnavailableException} with reason {@code DAMAGED} and marks the entry for repair.
 *
 * <p>Until it is closed, compaction leaves the entries it may read in place. Single-threaded.
 */
public final class LogReader implements AutoCloseable {
    private final Log log;
    private final long from;
    private final long to;
    private final ReadAhead readAhead = new ReadAhead();
    private long next;
    private Hash expectedPrevious;
    private boolean closed;

    LogReader(Log log, long from, long to, boolean predecessorReadable) {
        this.log = log;
        this.from = from;
        this.next = from;
        this.to = to;
        if (predecessorReadable) {
            expectedPrevious = log.read(from - 1).hash();
        }
    }

    public boolean hasNext() {
        return !closed && next <= to;
    }

    /** The next entry, verified, including its link to the entry before it. */
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the reader is past entry " + to);
        }
        Log.Located located = log.locate(next);
        Entry entry;
        try {
            entry = log.readAt(located, next, readAhead);
        } finally {
            located.segment().readers.decrementAndGet();
        }
        if (expectedPrevious != null && !entry.previousHash().equals(expectedPrevious)) {
            throw log.damagedOnRead(next, "it does not link to entry " + (next - 1));
        }
        expectedPrevious = entry.hash();
        next++;
        return entry;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            log.release(from);
        }
    }
}
