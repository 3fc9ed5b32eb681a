package io.chronon.kernel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * What applying one command produced, as the client will hear it. Encoded compactly, because it is
 * hashed into the applied digest and saved in the client's session for retries.
 */
public sealed interface Outcome {

    /** The command was applied; {@code result} is the application's encoded result. */
    record Completed(byte[] result) implements Outcome {
        public Completed {
            Objects.requireNonNull(result, "result");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Completed completed && Arrays.equals(result, completed.result);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(result);
        }

        @Override
        public String toString() {
            return "Completed[" + result.length + " bytes]";
        }
    }

    /** The application said no; the state is unchanged. */
    record Rejected(Rejection rejection) implements Outcome {}

    /** {@code apply} threw a {@link RuntimeException}; the state is unchanged. */
    record Failed(String error) implements Outcome {}

    /** The client's session was evicted (or never opened: the first request number is 1). */
    record SessionExpired() implements Outcome {}

    /** The request number is older than the client's latest, whose reply replaced its own. */
    record StaleRequest(long latestRequestNumber) implements Outcome {}

    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (this) {
                case Completed completed -> {
                    out.writeByte(1);
                    out.writeInt(completed.result().length);
                    out.write(completed.result());
                }
                case Rejected rejected -> {
                    out.writeByte(2);
                    out.writeUTF(rejected.rejection().code());
                    out.writeUTF(rejected.rejection().message());
                }
                case Failed failed -> {
                    out.writeByte(3);
                    out.writeUTF(failed.error());
                }
                case SessionExpired expired -> out.writeByte(4);
                case StaleRequest stale -> {
                    out.writeByte(5);
                    out.writeLong(stale.latestRequestNumber());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Outcome decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
            return switch (in.readByte()) {
                case 1 -> new Completed(in.readNBytes(in.readInt()));
                case 2 -> new Rejected(new Rejection(in.readUTF(), in.readUTF()));
                case 3 -> new Failed(in.readUTF());
                case 4 -> new SessionExpired();
                case 5 -> new StaleRequest(in.readLong());
                default -> throw new IllegalArgumentException("unknown outcome kind");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed outcome", e);
        }
    }
}
