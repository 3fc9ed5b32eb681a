package io.chronon.kernel;

/**
 * How commands, queries and results become bytes for the log and the wire. The core deals only in
 * bytes; an application chooses its encoding. Decoding malformed bytes throws
 * {@link IllegalArgumentException} (a client error: nothing is proposed).
 */
public interface Codec<T> {
    byte[] encode(T value);

    T decode(byte[] bytes);
}
