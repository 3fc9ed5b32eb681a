package io.chronon.examples.bank;

import java.util.Map;
import java.util.TreeMap;

import io.chronon.examples.BinaryMessages;
import io.chronon.kernel.Codec;

/** A compact binary encoding of the ledger's commands, queries and results. */
final class BankCodec {
    private BankCodec() {}

    private static <T> T read(byte[] bytes, BinaryMessages.Reader<T> reader) {
        return BinaryMessages.read(bytes, "bank message", reader);
    }

    static final Codec<BankCommand> COMMANDS = new Codec<>() {
        @Override
        public byte[] encode(BankCommand command) {
            return BinaryMessages.write(out -> {
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
            return BinaryMessages.write(out -> {
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
            return BinaryMessages.write(out -> {
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
