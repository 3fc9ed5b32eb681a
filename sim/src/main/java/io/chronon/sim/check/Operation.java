package io.chronon.sim.check;

import java.util.Objects;

/**
 * One operation a client issued: the interval from invocation to completion, the input and, when the
 * outcome is known, the output.
 *
 * @param id          unique within the history; names the operation in verdicts
 * @param client      the client (process) that issued it; a client waits for one operation to
 *                    complete before it invokes the next, unless the outcome of the first is unknown
 * @param invokedAt   when the client sent it, in nanoseconds of simulated or real time
 * @param completedAt when the client received the answer, or {@link #UNKNOWN} if it never will
 * @param input       what was asked
 * @param output      what was answered, of the kind matching the input; {@code null} exactly when
 *                    {@code completedAt} is {@link #UNKNOWN}
 */
public record Operation(int id, int client, long invokedAt, long completedAt, Input input, Output output) {

    /**
     * The completion time of an operation whose outcome is unknown (Jepsen's {@code :info}): its
     * client timed out or crashed. Such an operation may take effect at any point after its
     * invocation, or never.
     */
    public static final long UNKNOWN = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(input, "input");
        if (invokedAt == UNKNOWN) {
            throw new IllegalArgumentException("operation " + id + " has no invocation time");
        }
        if (completedAt < invokedAt) {
            throw new IllegalArgumentException("operation " + id + " completes at " + completedAt
                    + ", before its invocation at " + invokedAt);
        }
        if ((completedAt == UNKNOWN) != (output == null)) {
            throw new IllegalArgumentException("operation " + id
                    + " must have an output exactly when it has a completion time");
        }
        if (output != null && !answers(input, output)) {
            throw new IllegalArgumentException("operation " + id + ": " + output + " does not answer " + input);
        }
    }

    private static boolean answers(Input input, Output output) {
        return switch (input) {
            case Input.Put _ -> output instanceof Output.Put;
            case Input.Get _ -> output instanceof Output.Get;
            case Input.Cas _ -> output instanceof Output.Cas;
        };
    }

    /** Whether the client learned what happened; if not, the operation may or may not have taken effect. */
    public boolean outcomeKnown() {
        return output != null;
    }

    public String key() {
        return input.key();
    }

    /** For example {@code #7 client 2 [100, 250] put("k", "v") -> previous "a"}. */
    @Override
    public String toString() {
        String interval = "[" + invokedAt + ", " + (outcomeKnown() ? completedAt + "]" : "inf)");
        return "#" + id + " client " + client + " " + interval + " " + describe(input) + " -> " + describe(output);
    }

    private static String describe(Input input) {
        return switch (input) {
            case Input.Put(String key, String value) -> "put(" + quote(key) + ", " + quote(value) + ")";
            case Input.Get(String key) -> "get(" + quote(key) + ")";
            case Input.Cas(String key, String expected, String value) ->
                    "cas(" + quote(key) + ", " + quote(expected) + ", " + quote(value) + ")";
        };
    }

    private static String describe(Output output) {
        return switch (output) {
            case null -> "? (outcome unknown)";
            case Output.Put(String previous) -> "previous " + quote(previous);
            case Output.Get(String value) -> quote(value);
            case Output.Cas(boolean swapped, String current) ->
                    (swapped ? "swapped, now " : "not swapped, found ") + quote(current);
        };
    }

    /** A value as printed in verdicts: quoted, or {@code null} for absent. */
    static String quote(String value) {
        return value == null ? "null" : '"' + value + '"';
    }
}
