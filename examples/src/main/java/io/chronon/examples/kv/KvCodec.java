package io.chronon.examples.kv;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import io.chronon.examples.BinaryMessages;
import io.chronon.kernel.Codec;

/**
 * A compact binary encoding of the register's commands, queries and results: a tag byte, then
 * strings as a presence byte and modified UTF-8. Malformed input is an {@link IllegalArgumentException}.
 */
final class KvCodec {
    private KvCodec() {}

    static final Codec<KvCommand> COMMANDS = new Codec<>() {
        @Override
        public byte[] encode(KvCommand command) {
            return BinaryMessages.write(out -> {
                switch (command) {
                    case KvCommand.Put put -> {
                        out.writeByte(1);
                        writeString(out, put.key());
                        writeString(out, put.value());
                    }
                    case KvCommand.Cas cas -> {
                        out.writeByte(2);
                        writeString(out, cas.key());
                        writeString(out, cas.expected());
                        writeString(out, cas.value());
                    }
                }
            });
        }

        @Override
        public KvCommand decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new KvCommand.Put(readString(in), readString(in));
                case 2 -> new KvCommand.Cas(readString(in), readString(in), readString(in));
                default -> throw new IllegalArgumentException("unknown key-value command");
            });
        }
    };

    static final Codec<KvQuery> QUERIES = new Codec<>() {
        @Override
        public byte[] encode(KvQuery query) {
            return BinaryMessages.write(out -> {
                switch (query) {
                    case KvQuery.Get get -> {
                        out.writeByte(1);
                        writeString(out, get.key());
                    }
                }
            });
        }

        @Override
        public KvQuery decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new KvQuery.Get(readString(in));
                default -> throw new IllegalArgumentException("unknown key-value query");
            });
        }
    };

    static final Codec<KvResult> RESULTS = new Codec<>() {
        @Override
        public byte[] encode(KvResult result) {
            return BinaryMessages.write(out -> {
                switch (result) {
                    case KvResult.PutResult put -> {
                        out.writeByte(1);
                        writeString(out, put.previous());
                    }
                    case KvResult.CasResult cas -> {
                        out.writeByte(2);
                        out.writeBoolean(cas.swapped());
                        writeString(out, cas.current());
                    }
                    case KvResult.GetResult get -> {
                        out.writeByte(3);
                        writeString(out, get.key());
                        writeString(out, get.value());
                    }
                }
            });
        }

        @Override
        public KvResult decode(byte[] bytes) {
            return read(bytes, in -> switch (in.readByte()) {
                case 1 -> new KvResult.PutResult(readString(in));
                case 2 -> new KvResult.CasResult(in.readBoolean(), readString(in));
                case 3 -> new KvResult.GetResult(readString(in), readString(in));
                default -> throw new IllegalArgumentException("unknown key-value result");
            });
        }
    };

    private static <T> T read(byte[] bytes, BinaryMessages.Reader<T> reader) {
        return BinaryMessages.read(bytes, "key-value message", reader);
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
