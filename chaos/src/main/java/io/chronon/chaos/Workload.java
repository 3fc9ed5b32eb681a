package io.chronon.chaos;

import java.util.Locale;

/** What the clients do during a schedule; each runs its own application on the nodes. */
public enum Workload {
    /** The key-value register ({@code chronon.application=kv}): puts, compare-and-sets, linearizable reads. */
    KV("kv"),
    /** The bank ({@code chronon.application=bank}): transfers and balance reads, statements in PostgreSQL. */
    BANK("bank");

    private final String application;

    Workload(String application) {
        this.application = application;
    }

    public String application() {
        return application;
    }

    public static Workload parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload '" + name + "': kv or bank");
        }
    }
}
