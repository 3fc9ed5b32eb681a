package io.chronon.quarkus.deployment;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.chronon.kernel.Applied;
import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;

/** A counter: the smallest application the build steps can find and the node can run. */
public class CounterApplication implements ChrApplication<Long, CounterApplication.Add, CounterApplication.Read,
        CounterApplication.Total> {

    public record Add(long amount) {}

    public record Read() {}

    public record Total(long total) {}

    @Override
    public Long genesis() {
        return 0L;
    }

    @Override
    public Applied<Long, Total> apply(Long state, Add command, ApplyContext context) {
        if (command.amount() < 0) {
            return Applied.reject("negative", "a counter only grows");
        }
        return Applied.accept(state + command.amount(), new Total(state + command.amount()));
    }

    @Override
    public Total query(Long state, Read query) {
        return new Total(state);
    }

    @Override
    public Codec<Add> commands() {
        return text(value -> Long.toString(value.amount()), text -> new Add(Long.parseLong(text)));
    }

    @Override
    public Codec<Read> queries() {
        return text(value -> "read", text -> new Read());
    }

    @Override
    public Codec<Total> results() {
        return text(value -> Long.toString(value.total()), text -> new Total(Long.parseLong(text)));
    }

    private static <T> Codec<T> text(java.util.function.Function<T, String> write,
                                     java.util.function.Function<String, T> read) {
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return write.apply(value).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public T decode(byte[] bytes) {
                return read.apply(new String(bytes, StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public int snapshotSchemaVersion() {
        return 1;
    }

    @Override
    public void writeSnapshot(Long state, OutputStream out) throws IOException {
        new DataOutputStream(out).writeLong(state);
    }

    @Override
    public Long readSnapshot(InputStream in, int schemaVersion) throws IOException {
        return new DataInputStream(in).readLong();
    }
}
