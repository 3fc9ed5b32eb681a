package io.chronon.examples.kv;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A command of the key-value register. Keys and values are strings of at most 1 KiB (UTF-8). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = KvCommand.Put.class, name = "put"),
        @JsonSubTypes.Type(value = KvCommand.Cas.class, name = "cas")
})
public sealed interface KvCommand {
    String key();

    /** Sets {@code key} to {@code value}; the result is the previous value. */
    record Put(String key, String value) implements KvCommand {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Sets {@code key} to {@code value} if it currently holds {@code expected} (null: absent). A
     * failed comparison is a result, not a rejection.
     */
    record Cas(String key, String expected, String value) implements KvCommand {
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }
}
