package io.chronon.quarkus.sink;

/**
 * A sink refused a delivery because a primary of a newer view already wrote to it: the deliverer
 * is a zombie (a former primary that has not heard of the new view yet).
 */
public final class FencedOutException extends RuntimeException {
    public FencedOutException(String sink, long view, long fence) {
        super("sink " + sink + " is fenced at view " + fence + ": a delivery of view " + view + " is refused");
    }

    public FencedOutException(String sink, long view, String why) {
        super("sink " + sink + " refused a delivery of view " + view + ": " + why);
    }
}
