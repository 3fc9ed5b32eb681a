package io.chronon.examples.kv;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A query of the key-value register. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = KvQuery.Get.class, name = "get")
})
public sealed interface KvQuery {
    /** The value of {@code key}, or null if it has none. */
    record Get(String key) implements KvQuery {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }
}
