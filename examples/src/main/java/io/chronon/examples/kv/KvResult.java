package io.chronon.examples.kv;

/** Results of the key-value register. Absent values are null. */
public sealed interface KvResult {
    record PutResult(String previous) implements KvResult {}

    record CasResult(boolean swapped, String current) implements KvResult {}

    record GetResult(String key, String value) implements KvResult {}
}
