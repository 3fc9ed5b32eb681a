package io.chronon.examples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compact binary encodings for the examples' codecs: a message is written with a
 * {@link DataOutputStream} and read back whole; anything cut short, malformed or followed by more
 * bytes is an {@link IllegalArgumentException} (a client error, nothing proposed).
 */
public final class BinaryMessages {
    private BinaryMessages() {
    }

    /** Writes one message. */
    @FunctionalInterface
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads one message. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    public static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads exactly one message out of {@code bytes}; {@code what} names it in errors ("bank message"). */
    public static <T> T read(byte[] bytes, String what, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reader.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after a " + what);
            }
            return value;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated " + what, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed " + what, e);
        }
    }
}
