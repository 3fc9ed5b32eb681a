package io.chronon.sim.check;

import java.util.Objects;

/** What a client asked of the register at one key. Values are strings; {@code null} means absent. */
public sealed interface Input {

    /** The key the operation acts on; never {@code null}. */
    String key();

    /** Sets the key to {@code value} ({@code null} removes it); answered by {@link Output.Put}. */
    record Put(String key, String value) implements Input {
        public Put {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Reads the key; answered by {@link Output.Get}. */
    record Get(String key) implements Input {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Sets the key to {@code value} if and only if it holds {@code expected} ({@code null}: if it is
     * absent); answered by {@link Output.Cas}.
     */
    record Cas(String key, String expected, String value) implements Input {
        public Cas {
            Objects.requireNonNull(key, "key");
        }
    }
}
