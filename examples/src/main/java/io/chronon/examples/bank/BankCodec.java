package io.chronon.examples.bank;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import io.chronon.kernel.Codec;

/** A compact binary encoding of the ledger's commands, queries and results. */
final class BankCodec {
    private BankCodec() {}

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reader.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after a bank message");
            }
            return value;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated bank message", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed bank message", e);
        }
    }

    static final Codec<BankCommand> COMMANDS = new Codec<>() {
        @Override
        public byte[] encode(BankCommand command) {
            return write(out -> {
                switch (command) {
                    case BankCommand.Deposit deposit -> {
                        out.writeByte(1);
                        out.writeUTF(deposit.account());
                        out.writeLong(deposit.amount());
                    }
                    case BankCommand.Withdraw withdraw -> {
                        out.writeByte(2);
                        out.writeUTF(withdraw.account());
                        out.writeLong(withdraw.amount());
                    }
                    case BankCommand.Transfer transfer -> {
                        out.writeByte(3);
                        out.writeUTF(transfer.from());
                        out.writeUTF(transfer.to());
                        out.writeLong(transfer.amount());
                    }
                }
            });
        }

        @Override
        public BankCommand decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new BankCommand.Deposit(in.readUTF(), in.readLong());
                case 2 -> new BankCommand.Withdraw(in.readUTF(), in.readLong());
                case 3 -> new BankCommand.Transfer(in.readUTF(), in.readUTF(), in.readLong());
                default -> throw new IllegalArgumentException("unknown bank command");
            });
        }
    };

    static final Codec<BankQuery> QUERIES = new Codec<>() {
        @Override
        public byte[] encode(BankQuery query) {
            return write(out -> {
                switch (query) {
                    case BankQuery.Balance balance -> {
                        out.writeByte(1);
                        out.writeUTF(balance.account());
                    }
                    case BankQuery.Balances balances -> out.writeByte(2);
                }
            });
        }

        @Override
        public BankQuery decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new BankQuery.Balance(in.readUTF());
                case 2 -> new BankQuery.Balances();
                default -> throw new IllegalArgumentException("unknown bank query");
            });
        }
    };

    static final Codec<BankResult> RESULTS = new Codec<>() {
        @Override
        public byte[] encode(BankResult result) {
            return write(out -> {
                switch (result) {
                    case BankResult.Balance balance -> {
                        out.writeByte(1);
                        out.writeUTF(balance.account());
                        out.writeLong(balance.balance());
                    }
                    case BankResult.Transferred transferred -> {
                        out.writeByte(2);
                        out.writeUTF(transferred.from());
                        out.writeLong(transferred.fromBalance());
                        out.writeUTF(transferred.to());
                        out.writeLong(transferred.toBalance());
                    }
                    case BankResult.Balances balances -> {
                        out.writeByte(3);
                        out.writeInt(balances.balances().size());
                        for (Map.Entry<String, Long> entry : balances.balances().entrySet()) {
                            out.writeUTF(entry.getKey());
                            out.writeLong(entry.getValue());
                        }
                    }
                }
            });
        }

        @Override
        public BankResult decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new BankResult.Balance(in.readUTF(), in.readLong());
                case 2 -> new BankResult.Transferred(in.readUTF(), in.readLong(), in.readUTF(), in.readLong());
                case 3 -> {
                    TreeMap<String, Long> balances = new TreeMap<>();
                    int count = in.readInt();
                    for (int i = 0; i < count; i++) {
                        balances.put(in.readUTF(), in.readLong());
                    }
                    yield new BankResult.Balances(balances);
                }
                default -> throw new IllegalArgumentException("unknown bank result");
            });
        }
    };
}
