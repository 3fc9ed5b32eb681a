package io.chronon.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.chronon.examples.kv.KvApplication;
import io.chronon.examples.kv.KvCommand;
import io.chronon.examples.kv.KvQuery;
import io.chronon.examples.kv.KvResult;
import io.chronon.examples.kv.KvState;
import io.chronon.kernel.Applied;
import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;

/**
 * The key-value register broken the way real applications break: {@code apply} reads the wall
 * clock. The divergence guard must catch it. {@code inResult}: the clock shows in a command's result
 * (every replica answers differently, so the applied-state digests differ at the first such command);
 * otherwise it goes only into a key no client reads (the states differ while every outcome agrees,
 * which only the state hash at a snapshot reveals).
 */
final class ClockReadingKv implements ChrApplication<KvState, KvCommand, KvQuery, KvResult> {
    private static final String HIDDEN_KEY = "last-applied-at";

    private final KvApplication kv = new KvApplication();
    private final boolean inResult;

    ClockReadingKv(boolean inResult) {
        this.inResult = inResult;
    }

    @Override
    public KvState genesis() {
        return kv.genesis();
    }

    @Override
    public Applied<KvState, KvResult> apply(KvState state, KvCommand command, ApplyContext context) {
        Applied<KvState, KvResult> applied = kv.apply(state, command, context);
        String now = Long.toString(System.nanoTime());
        if (!(applied instanceof Applied.Accepted<KvState, KvResult> accepted)) {
            return applied;
        }
        if (inResult) {
            KvResult result = switch (accepted.result()) {
                case KvResult.CasResult cas -> new KvResult.CasResult(cas.swapped(), now);
                default -> new KvResult.PutResult(now);
            };
            return Applied.accept(accepted.state(), result);
        }
        return Applied.accept(accepted.state().with(HIDDEN_KEY, now), accepted.result(), accepted.effects());
    }

    @Override
    public KvResult query(KvState state, KvQuery query) {
        return kv.query(state, query);
    }

    @Override
    public Codec<KvCommand> commands() {
        return kv.commands();
    }

    @Override
    public Codec<KvQuery> queries() {
        return kv.queries();
    }

    @Override
    public Codec<KvResult> results() {
        return kv.results();
    }

    @Override
    public int snapshotSchemaVersion() {
        return kv.snapshotSchemaVersion();
    }

    @Override
    public void writeSnapshot(KvState state, OutputStream out) throws IOException {
        kv.writeSnapshot(state, out);
    }

    @Override
    public KvState readSnapshot(InputStream in, int schemaVersion) throws IOException {
        return kv.readSnapshot(in, schemaVersion);
    }
}
