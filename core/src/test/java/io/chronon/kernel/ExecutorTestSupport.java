package io.chronon.kernel;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Plumbing for test applications over a Long state with text commands, queries and results. */
public abstract class ExecutorTestSupport implements ChrApplication<Long, String, String, String> {
    static final Codec<String> TEXT = new Codec<>() {
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
    public Long genesis() {
        return 0L;
    }

    @Override
    public String query(Long state, String query) {
        return Long.toString(state);
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
    public void writeSnapshot(Long state, OutputStream out) throws java.io.IOException {
        out.write(Long.toString(state).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Long readSnapshot(InputStream in, int schemaVersion) throws java.io.IOException {
        return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
}
