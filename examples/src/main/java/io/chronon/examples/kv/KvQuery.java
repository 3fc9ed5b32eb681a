package io.chronon.examples.kv;

import java.util.Objects;

/** A query of the key-value register. */
public sealed interface KvQuery {
    /** The value of {@code key}, or null if it has none. */
    record Get(String key) implements KvQuery {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }
}
