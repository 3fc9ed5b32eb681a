package io.chronon.engine;

/**
 * Always-on assertions in the TigerBeetle style. Java's {@code assert} is off unless {@code -ea} is
 * given, so the core uses these instead; a violation throws {@link InvariantViolation}.
 *
 * <p>The message is formatted only on failure, so a check costs one branch on the hot path.
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new InvariantViolation(message);
        }
    }

    public static void check(boolean condition, String format, Object a) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, a));
        }
    }

    public static void check(boolean condition, String format, Object a, Object b) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, a, b));
        }
    }

    public static void check(boolean condition, String format, Object a, Object b, Object c) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, a, b, c));
        }
    }

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }
}
