package io.chronon.examples.kv;

import io.chronon.kernel.PersistentMap;

/** The register's state: every key that has a value, in key order. Immutable. */
public record KvState(PersistentMap<String, String> entries) {
    public static final KvState EMPTY = new KvState(PersistentMap.empty());

    public String get(String key) {
        return entries.get(key);
    }

    public KvState with(String key, String value) {
        return new KvState(entries.put(key, value));
    }
}
