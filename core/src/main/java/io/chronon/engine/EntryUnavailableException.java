package io.chronon.engine;

/** A read asked for an entry the log cannot return, and says why. */
public final class EntryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Below the first index: compacted away (a snapshot covers it). */
        COMPACTED,
        /** Beyond the last durable index. */
        NOT_DURABLE,
        /** Recovery or a read found it damaged; it needs repair from a peer. */
        DAMAGED
    }

    private final long index;
    private final Reason reason;

    public EntryUnavailableException(long index, Reason reason, String message) {
        super(message);
        this.index = index;
        this.reason = reason;
    }

    public long index() {
        return index;
    }

    public Reason reason() {
        return reason;
    }
}
