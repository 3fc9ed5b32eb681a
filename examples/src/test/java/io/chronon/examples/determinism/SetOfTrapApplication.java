package io.chronon.examples.determinism;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.chronon.kernel.Applied;
import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;

/**
 * The trap the application guide warns about: {@code Set.of} iterates in an order chosen when the
 * JVM starts. Each command names an account; the result is the first account of a {@code Set.of}
 * in iteration order. The same on every replica inside one JVM, different between processes.
 */
final class SetOfTrapApplication implements ChrApplication<String, String, String, String> {
    private static final Codec<String> TEXT = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    @Override
    public String genesis() {
        return "";
    }

    @Override
    public Applied<String, String> apply(String state, String command, ApplyContext context) {
        Set<String> accounts = Set.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
                "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil");
        String first = accounts.iterator().next();
        return Applied.accept(command + ":" + first, first);
    }

    @Override
    public String query(String state, String query) {
        return state;
    }

    @Override
    public Codec<String> commands() {
        return TEXT;
    }

    @Override
    public Codec<String> queries() {
        return TEXT;
    }

    @Override
    public Codec<String> results() {
        return TEXT;
    }

    @Override
    public int snapshotSchemaVersion() {
        return 1;
    }

    @Override
    public void writeSnapshot(String state, OutputStream out) throws IOException {
        out.write(state.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String readSnapshot(InputStream in, int schemaVersion) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
