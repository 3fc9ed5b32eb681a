package io.chronon.examples.bank;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The payload of a transfer's effects: the transfer and the log index it was applied at. The
 * {@code statements} sink turns it into two {@code bank_statement} rows (a debit and a credit),
 * the {@code transfers} sink into one message.
 */
public record Statement(long index, String from, String to, long amount) {
    public static final String STATEMENTS = "statements";
    public static final String TRANSFERS = "transfers";

    /** One row of {@code bank_statement(effect_id, log_index, account, delta)}, less the effect id. */
    public record Row(long index, String account, long delta) {}

    public List<Row> rows() {
        return List.of(new Row(index, from, -amount), new Row(index, to, amount));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(index);
            out.writeUTF(from);
            out.writeUTF(to);
            out.writeLong(amount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Statement decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            return new Statement(in.readLong(), in.readUTF(), in.readUTF(), in.readLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed statement", e);
        }
    }
}
