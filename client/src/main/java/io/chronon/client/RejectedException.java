package io.chronon.client;

/**
 * The application rejected the command (HTTP 422). The rejection is deterministic and committed at
 * {@link #index()}, like a result: the command was not applied and submitting it again is rejected
 * again, so it is final.
 */
public final class RejectedException extends ChrononException {
    private static final long serialVersionUID = 1L;

    private final long index;
    private final long view;
    private final String rejection;

    RejectedException(long index, long view, String rejection) {
        super("command rejected at index " + index + ": " + rejection, null);
        this.index = index;
        this.view = view;
        this.rejection = rejection;
    }

    /** The log index the rejected command was committed at. */
    public long index() {
        return index;
    }

    /** The view in which it was committed. */
    public long view() {
        return view;
    }

    /** The application's rejection, as JSON text. */
    public String rejection() {
        return rejection;
    }
}
