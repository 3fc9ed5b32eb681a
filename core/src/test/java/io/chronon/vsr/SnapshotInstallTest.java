package io.chronon.vsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.SnapshotInfo;
import io.chronon.engine.SnapshotMeta;
import org.junit.jupiter.api.Test;

/**
 * A backup behind its primary's compaction, driven message by message: it is offered the snapshot,
 * fetches it in chunks (asking again from where it stands when a chunk is lost, and resuming a
 * transfer its catch-up left), installs it only once storage verified it, and fetches the entries
 * after it.
 */
class SnapshotInstallTest {
    private static final int PRIMARY = 1;
    private static final int BACKUP = 2;
    private static final long SNAPSHOT_INDEX = 99;

    private final List<Entry> log = new ArrayList<>();
    private final byte[] body = new byte[1000];
    private final SnapshotInfo snapshot;
    private final Replica backup;

    SnapshotInstallTest() {
        for (int index = 0; index <= 105; index++) {
            log.add(Entry.create(index, 1, 1_000L * index, new UUID(7, 7), index + 1,
                    ("command " + index).getBytes(StandardCharsets.UTF_8), index == 0 ? Hash.ZERO : log.getLast().hash()));
        }
        Arrays.fill(body, (byte) 7);
        snapshot = new SnapshotInfo(new SnapshotMeta(Cluster.CLUSTER, 1, SNAPSHOT_INDEX, 1,
                log.get((int) SNAPSHOT_INDEX).hash(), 99_000), body.length, Hash.sha256(body));
        backup = new Replica(Cluster.config(3, BACKUP), new Replica.SavedState(1, 1, Message.NO_COMMIT, false),
                new Replica.RecentLog(-1, Hash.ZERO, 0, 0, List.of()), -1, false, () -> 1_000L, 3);
        backup.drainOutputs();
    }

    private List<Output> heartbeat(long view) {
        backup.receive(new Message.Heartbeat(Cluster.CLUSTER, PRIMARY, view, 105, 105, log.get(105).hash(), 1));
        return backup.drainOutputs();
    }

    private List<Output> fromPrimary(Message message) {
        backup.receive(message);
        return backup.drainOutputs();
    }

    private static <T> List<T> sent(List<Output> outputs, Class<T> kind) {
        return outputs.stream().filter(Output.Send.class::isInstance).map(output -> ((Output.Send) output).message())
                .filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T extends Output> List<T> outputs(List<Output> outputs, Class<T> kind) {
        return outputs.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private Message.SnapshotChunk chunk(long view, int from, int to) {
        return new Message.SnapshotChunk(Cluster.CLUSTER, PRIMARY, view, SNAPSHOT_INDEX, from,
                Arrays.copyOfRange(body, from, to));
    }

    private List<Output> offer(long view) {
        return fromPrimary(new Message.SnapshotOffer(Cluster.CLUSTER, PRIMARY, view, snapshot));
    }

    @Test
    void aBackupBehindTheCompactionInstallsTheSnapshotThenFetchesTheRest() {
        List<Message.RequestEntries> asked = sent(heartbeat(1), Message.RequestEntries.class);
        assertEquals(0, asked.getFirst().first(), "it needs everything from index 0");

        List<Message.RequestSnapshotChunk> first = sent(offer(1), Message.RequestSnapshotChunk.class);
        assertEquals(List.of(new Message.RequestSnapshotChunk(Cluster.CLUSTER, BACKUP, 1, SNAPSHOT_INDEX, 0)), first);

        List<Output> afterChunk = fromPrimary(chunk(1, 0, 400));
        assertEquals(0, outputs(afterChunk, Output.WriteSnapshotChunk.class).getFirst().offset());
        assertEquals(400, sent(afterChunk, Message.RequestSnapshotChunk.class).getFirst().offset());

        // The request for the second chunk is lost: after the timeout it is asked for again, from 400.
        List<Message.RequestSnapshotChunk> again = new ArrayList<>();
        for (int tick = 0; tick < 20 && again.isEmpty(); tick++) {
            backup.tick();
            again.addAll(sent(backup.drainOutputs(), Message.RequestSnapshotChunk.class));
        }
        assertEquals(400, again.getFirst().offset());

        List<Output> lastChunk = fromPrimary(chunk(1, 400, 1000));
        assertEquals(400, outputs(lastChunk, Output.WriteSnapshotChunk.class).getFirst().offset());
        assertEquals(List.of(), sent(lastChunk, Message.RequestSnapshotChunk.class), "the body is complete");
        assertEquals(Message.NO_COMMIT, backup.commitIndex(), "nothing counts before storage verified the body");

        backup.storage(new StorageEvent.SnapshotChunkWritten(SNAPSHOT_INDEX, 400));
        assertEquals(List.of(), outputs(backup.drainOutputs(), Output.InstallSnapshot.class));
        backup.storage(new StorageEvent.SnapshotChunkWritten(SNAPSHOT_INDEX, 1000));
        List<Output> installed = backup.drainOutputs();
        assertEquals(List.of(new Output.InstallSnapshot(snapshot)), outputs(installed, Output.InstallSnapshot.class));
        assertEquals(SNAPSHOT_INDEX, backup.commitIndex());
        assertEquals(SNAPSHOT_INDEX, backup.op());
        assertEquals(100, sent(installed, Message.RequestEntries.class).getFirst().first(),
                "then the entries after the snapshot");
        backup.storage(new StorageEvent.SnapshotInstalled(snapshot));

        List<Output> appended = fromPrimary(new Message.Entries(Cluster.CLUSTER, PRIMARY, 1, 100,
                log.subList(100, 106)));
        assertEquals(log.subList(100, 106), outputs(appended, Output.Persist.class).getFirst().entries());
        backup.storage(new StorageEvent.Persisted(105));
        List<Output> committed = backup.drainOutputs();
        heartbeat(1);
        assertEquals(105, backup.commitIndex());
        assertTrue(outputs(committed, Output.Commit.class).stream().allMatch(commit ->
                commit.entries().getFirst().index() > SNAPSHOT_INDEX), "entries in the snapshot are not applied again");
    }

    @Test
    void aTransferLeftByItsCatchUpResumesWhereItStoodWhenTheSameSnapshotIsOfferedAgain() {
        heartbeat(1);
        offer(1);
        fromPrimary(chunk(1, 0, 400));
        // The primary of view 4 (replica 1 again) is heard: the backup joins that view, its catch-up
        // starts over, and is offered the same snapshot.
        List<Message.RequestEntries> asked = sent(heartbeat(4), Message.RequestEntries.class);
        assertEquals(0, asked.getFirst().first());
        assertEquals(400, sent(offer(4), Message.RequestSnapshotChunk.class).getFirst().offset(),
                "storage already holds the first 400 bytes");
    }

    @Test
    void anOfferThatDoesNotMoveTheReplicaForwardIsIgnored() {
        heartbeat(1);
        SnapshotInfo old = new SnapshotInfo(new SnapshotMeta(Cluster.CLUSTER, 1, 3, 1, log.get(3).hash(), 3_000),
                body.length, Hash.sha256(body));
        backup.receive(new Message.Entries(Cluster.CLUSTER, PRIMARY, 1, 0, log.subList(0, 10)));
        backup.storage(new StorageEvent.Persisted(9));
        heartbeat(1);
        assertTrue(backup.commitIndex() >= 3);
        List<Output> outputs = fromPrimary(new Message.SnapshotOffer(Cluster.CLUSTER, PRIMARY, 1, old));
        assertEquals(List.of(), sent(outputs, Message.RequestSnapshotChunk.class));
    }
}
