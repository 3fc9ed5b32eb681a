package io.chronon.sim.check;

/**
 * What the system told a client about an operation it completed. Outputs are recorded as received:
 * one that no register could have produced (say, a successful cas whose {@code current} is not the
 * value it wrote) is not rejected here but judged by the checker, because such answers are exactly
 * the bugs it looks for.
 */
public sealed interface Output {

    /** The answer to {@link Input.Put}: the value the key held just before ({@code null}: absent). */
    record Put(String previous) implements Output {}

    /** The answer to {@link Input.Get}: the value read ({@code null}: absent). */
    record Get(String value) implements Output {}

    /**
     * The answer to {@link Input.Cas}. When {@code swapped}, {@code current} is the value written;
     * otherwise it is the value found, which differed from the expected one.
     */
    record Cas(boolean swapped, String current) implements Output {}
}
