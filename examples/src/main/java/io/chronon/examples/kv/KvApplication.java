package io.chronon.examples.kv;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.Applied;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;
import io.chronon.kernel.PersistentMap;

/**
 * The key-value register: {@code put}, {@code cas} and {@code get} on string keys. The simulator's
 * and the chaos tests' workload, because its histories can be checked for linearizability.
 */
public final class KvApplication implements ChrApplication<KvState, KvCommand, KvQuery, KvResult> {
    /** The longest key or value, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 1024;

    @Override
    public KvState genesis() {
        return KvState.EMPTY;
    }

    @Override
    public Applied<KvState, KvResult> apply(KvState state, KvCommand command, ApplyContext context) {
        String tooLong = tooLong(command);
        if (tooLong != null) {
            return Applied.reject("too-long", tooLong + " is longer than " + MAX_STRING_BYTES + " bytes");
        }
        String current = state.get(command.key());
        return switch (command) {
            case KvCommand.Put put -> Applied.accept(state.with(put.key(), put.value()),
                    new KvResult.PutResult(current));
            case KvCommand.Cas cas -> java.util.Objects.equals(current, cas.expected())
                    ? Applied.accept(state.with(cas.key(), cas.value()), new KvResult.CasResult(true, cas.value()))
                    : Applied.accept(state, new KvResult.CasResult(false, current));
        };
    }

    private static String tooLong(KvCommand command) {
        if (bytes(command.key()) > MAX_STRING_BYTES) {
            return "the key";
        }
        String value = switch (command) {
            case KvCommand.Put put -> put.value();
            case KvCommand.Cas cas -> cas.value();
        };
        if (bytes(value) > MAX_STRING_BYTES) {
            return "the value";
        }
        if (command instanceof KvCommand.Cas cas && cas.expected() != null && bytes(cas.expected()) > MAX_STRING_BYTES) {
            return "the expected value";
        }
        return null;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code {"entries":{"k":"v"}}}, keys in order. */
    @Override
    public Object view(KvState state) {
        return Map.of("entries", state.entries().toSortedMap());
    }

    @Override
    public KvResult query(KvState state, KvQuery query) {
        return switch (query) {
            case KvQuery.Get get -> new KvResult.GetResult(get.key(), state.get(get.key()));
        };
    }

    @Override
    public Codec<KvCommand> commands() {
        return KvCodec.COMMANDS;
    }

    @Override
    public Codec<KvQuery> queries() {
        return KvCodec.QUERIES;
    }

    @Override
    public Codec<KvResult> results() {
        return KvCodec.RESULTS;
    }

    @Override
    public int snapshotSchemaVersion() {
        return 1;
    }

    @Override
    public void writeSnapshot(KvState state, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(state.entries().size());
        for (Map.Entry<String, String> entry : state.entries()) {
            data.writeUTF(entry.getKey());
            data.writeUTF(entry.getValue());
        }
        data.flush();
    }

    @Override
    public KvState readSnapshot(InputStream in, int schemaVersion) throws IOException {
        if (schemaVersion != 1) {
            throw new IOException("key-value snapshot schema " + schemaVersion + " is unknown; this version reads 1");
        }
        DataInputStream data = new DataInputStream(in);
        int count = data.readInt();
        PersistentMap<String, String> entries = PersistentMap.empty();
        for (int i = 0; i < count; i++) {
            entries = entries.put(data.readUTF(), data.readUTF());
        }
        return new KvState(entries);
    }
}
