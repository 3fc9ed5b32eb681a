package io.chronon.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.Applied;
import org.junit.jupiter.api.Test;

class KvApplicationTest {
    private final KvApplication kv = new KvApplication();
    private final ApplyContext context = new ApplyContext(0, 1, 0, new UUID(1, 1), 1, 7);

    private KvState accept(KvState state, KvCommand command, KvResult expected) {
        Applied.Accepted<KvState, KvResult> accepted =
                assertInstanceOf(Applied.Accepted.class, kv.apply(state, command, context));
        assertEquals(expected, accepted.result());
        return accepted.state();
    }

    @Test
    void putCasAndGetBehaveLikeARegister() {
        KvState state = kv.genesis();
        state = accept(state, new KvCommand.Put("k", "a"), new KvResult.PutResult(null));
        state = accept(state, new KvCommand.Put("k", "b"), new KvResult.PutResult("a"));
        state = accept(state, new KvCommand.Cas("k", "a", "c"), new KvResult.CasResult(false, "b"));
        state = accept(state, new KvCommand.Cas("k", "b", "c"), new KvResult.CasResult(true, "c"));
        state = accept(state, new KvCommand.Cas("other", null, "x"), new KvResult.CasResult(true, "x"));
        assertEquals(new KvResult.GetResult("k", "c"), kv.query(state, new KvQuery.Get("k")));
        assertEquals(new KvResult.GetResult("none", null), kv.query(state, new KvQuery.Get("none")));
    }

    @Test
    void overlongKeysAndValuesAreRejectedDeterministically() {
        String tooLong = "é".repeat(KvApplication.MAX_STRING_BYTES / 2 + 1);
        for (KvCommand command : List.of(new KvCommand.Put(tooLong, "v"), new KvCommand.Put("k", tooLong),
                new KvCommand.Cas("k", tooLong, "v"))) {
            Applied.Rejected<KvState, KvResult> rejected =
                    assertInstanceOf(Applied.Rejected.class, kv.apply(kv.genesis(), command, context));
            assertEquals("too-long", rejected.rejection().code());
        }
    }

    @Test
    void everyMessageSurvivesItsCodec() {
        for (KvCommand command : List.of(new KvCommand.Put("k", "v"), new KvCommand.Cas("k", null, "v"),
                new KvCommand.Cas("k", "old", "new"))) {
            assertEquals(command, kv.commands().decode(kv.commands().encode(command)));
        }
        for (KvResult result : List.of(new KvResult.PutResult(null), new KvResult.CasResult(false, "x"),
                new KvResult.GetResult("k", null))) {
            assertEquals(result, kv.results().decode(kv.results().encode(result)));
        }
        assertEquals(new KvQuery.Get("k"), kv.queries().decode(kv.queries().encode(new KvQuery.Get("k"))));
        assertThrows(IllegalArgumentException.class, () -> kv.commands().decode(new byte[] {9}));
        assertThrows(IllegalArgumentException.class, () -> kv.commands().decode(new byte[] {1, 1}));
    }

    @Test
    void aSnapshotRestoresTheSameState() throws IOException {
        KvState state = kv.genesis();
        for (int i = 0; i < 100; i++) {
            state = state.with("key-" + i, "value-" + i);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.writeSnapshot(state, out);
        KvState restored = kv.readSnapshot(new ByteArrayInputStream(out.toByteArray()), kv.snapshotSchemaVersion());
        assertEquals(state, restored);
        assertThrows(IOException.class, () -> kv.readSnapshot(new ByteArrayInputStream(out.toByteArray()), 2));
    }
}
