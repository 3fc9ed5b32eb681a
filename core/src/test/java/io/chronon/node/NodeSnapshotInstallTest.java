package io.chronon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import io.chronon.kernel.EmittingApplication;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.chronon.vsr.StorageEvent;
import org.junit.jupiter.api.Test;

/**
 * A backup node that receives a snapshot from its primary: storage installs it in its own time, and
 * entries committed after the snapshot meanwhile wait for it rather than being applied to the state
 * from before it (simulator seed 80461).
 */
class NodeSnapshotInstallTest {
    private static final UUID CLUSTER = new UUID(1, 1);
    private static final int PRIMARY = 1;
    private static final long SNAPSHOT_INDEX = 99;
    private static final long LAST = 105;

    private final List<Entry> log = new ArrayList<>();
    private final Executor<Long, String, String, String> primaryState = executor();
    private Executor.Checkpoint checkpoint;
    private final Node backup;

    private static Executor<Long, String, String, String> executor() {
        return new Executor<>(new EmittingApplication(), 8, CLUSTER);
    }

    NodeSnapshotInstallTest() {
        for (long index = 0; index <= LAST; index++) {
            Entry entry = Entry.create(index, 1, 1_000 * index, new UUID(3, 3), index + 1,
                    Envelope.command(("emit " + (index % 3)).getBytes(StandardCharsets.UTF_8)),
                    log.isEmpty() ? Hash.ZERO : log.getLast().hash());
            log.add(entry);
            primaryState.apply(entry);
            if (index == SNAPSHOT_INDEX) {
                checkpoint = primaryState.checkpoint();
            }
        }
        ReplicaConfig config = new ReplicaConfig(CLUSTER, 3, 2, 2, 10, 10, 5, 50, 64, 16, 64 * 1024, 100,
                256 * 1024, 1024, 10, Set.of());
        Replica replica = new Replica(config, new Replica.SavedState(1, 1, Message.NO_COMMIT, false),
                new Replica.RecentLog(-1, Hash.ZERO, 0, 0, List.of()), -1, false, () -> 1_000L, 3);
        backup = new Node(replica, executor(), EffectOptions.DEFAULTS, SnapshotOptions.DEFAULTS, 5);
        backup.drainOutputs();
    }

    private List<Output> storageAsked() {
        return backup.drainOutputs().stream().filter(NodeOutput.Storage.class::isInstance)
                .map(output -> ((NodeOutput.Storage) output).storage()).toList();
    }

    private void heartbeat() {
        backup.receive(new Message.Heartbeat(CLUSTER, PRIMARY, 1, LAST, LAST, log.getLast().hash(), 1));
    }

    @Test
    void entriesCommittedAfterAReceivedSnapshotWaitUntilStorageInstalledIt() {
        byte[] body = new byte[64];
        SnapshotInfo snapshot = new SnapshotInfo(new SnapshotMeta(CLUSTER, 1, SNAPSHOT_INDEX, 1,
                log.get((int) SNAPSHOT_INDEX).hash(), 99_000), body.length, Hash.sha256(body));
        heartbeat();
        backup.receive(new Message.SnapshotOffer(CLUSTER, PRIMARY, 1, snapshot));
        backup.receive(new Message.SnapshotChunk(CLUSTER, PRIMARY, 1, SNAPSHOT_INDEX, 0, body));
        assertTrue(storageAsked().stream().anyMatch(Output.WriteSnapshotChunk.class::isInstance));
        backup.storage(new StorageEvent.SnapshotChunkWritten(SNAPSHOT_INDEX, body.length));
        Output.InstallSnapshot install = storageAsked().stream().filter(Output.InstallSnapshot.class::isInstance)
                .map(Output.InstallSnapshot.class::cast).findFirst().orElseThrow();
        assertEquals(snapshot, install.snapshot());

        // Before storage reports the install, the entries after the snapshot arrive and commit.
        backup.receive(new Message.Entries(CLUSTER, PRIMARY, 1, SNAPSHOT_INDEX + 1,
                log.subList((int) SNAPSHOT_INDEX + 1, (int) LAST + 1)));
        backup.storage(new StorageEvent.Persisted(LAST));
        heartbeat();
        assertEquals(LAST, backup.replica().commitIndex());
        assertEquals(-1, backup.executor().appliedIndex(), "nothing is applied to the state before the snapshot");

        backup.snapshotInstalled(snapshot, checkpoint);
        assertEquals(LAST, backup.executor().appliedIndex());
        assertEquals(primaryState.digest(), backup.executor().digest());
        assertEquals(primaryState.state(), backup.executor().state());
        assertEquals(primaryState.outbox(), backup.executor().outbox());
    }
}
