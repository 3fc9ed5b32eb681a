package io.chronon.vsr;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.SnapshotInfo;

/**
 * The messages replicas exchange (Viewstamped Replication Revisited, Liskov and Cowling 2012, with
 * the log identified by its hash chain). Every message names the cluster, the sender and the
 * sender's view; a replica drops messages of another cluster. "No commit yet" is
 * {@link #NO_COMMIT} (−1) everywhere, on the wire too: never confused with index 0.
 */
public sealed interface Message {
    long NO_COMMIT = -1;

    UUID cluster();

    int from();

    long view();

    /** Primary to backups: entries to append, and the primary's commit number. */
    record Prepare(UUID cluster, int from, long view, long commit, List<Entry> entries) implements Message {
        public Prepare {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("a prepare carries entries");
            }
        }
    }

    /** Backup to primary: my log is durable through {@code op} and agrees with yours in this view. */
    record PrepareOk(UUID cluster, int from, long view, long op) implements Message {}

    /**
     * Primary to backups, every heartbeat interval and for read rounds: I am still primary; my log
     * ends at {@code op} with hash {@code opHash}; entries through {@code commit} are committed.
     */
    record Heartbeat(UUID cluster, int from, long view, long commit, long op, Hash opHash, long round)
            implements Message {
        public Heartbeat {
            Objects.requireNonNull(opHash, "opHash");
        }
    }

    /**
     * Backup to primary: I heard your heartbeat round {@code round} in this view, and my log is
     * durable through {@code op} and agrees with yours (−1 if I cannot acknowledge yet). Repeating the
     * acknowledgement with every heartbeat means a lost {@link PrepareOk} never stalls the commit.
     */
    record HeartbeatOk(UUID cluster, int from, long view, long round, long op) implements Message {}

    /**
     * I gave up on the primary of the view before {@code view}. {@code entered}: I have already
     * entered {@code view}, having seen a quorum vote for it, so whoever is still below it can follow.
     */
    record StartViewChange(UUID cluster, int from, long view, boolean entered) implements Message {}

    /**
     * To the new primary: my log (ending at {@code op} with {@code opHash}), its last normal view,
     * my commit number, and the entries after my commit number (as many as fit; the rest can be
     * fetched).
     */
    record DoViewChange(UUID cluster, int from, long view, long lastNormalView, long op, Hash opHash, long commit,
                        List<Entry> suffix) implements Message {
        public DoViewChange {
            suffix = List.copyOf(suffix);
            Objects.requireNonNull(opHash, "opHash");
        }
    }

    /**
     * New primary to backups: the log of the new view ends at {@code op} with {@code opHash},
     * entries through {@code commit} are committed, and here are the entries after it.
     */
    record StartView(UUID cluster, int from, long view, long op, Hash opHash, long commit, List<Entry> suffix)
            implements Message {
        public StartView {
            suffix = List.copyOf(suffix);
            Objects.requireNonNull(opHash, "opHash");
        }
    }

    /** Send me your entries {@code first} to {@code last}. */
    record RequestEntries(UUID cluster, int from, long view, long first, long last) implements Message {}

    /** Entries asked for (possibly fewer, possibly none, if the sender does not have them). */
    record Entries(UUID cluster, int from, long view, long first, List<Entry> entries) implements Message {
        public Entries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The entries asked for were compacted here: {@code snapshot} covers them (its state is committed
     * state, through its index). Fetch it with {@link RequestSnapshotChunk}.
     */
    record SnapshotOffer(UUID cluster, int from, long view, SnapshotInfo snapshot) implements Message {
        public SnapshotOffer {
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }

    /** Send me the body of your snapshot {@code index} from {@code offset}. */
    record RequestSnapshotChunk(UUID cluster, int from, long view, long index, long offset) implements Message {}

    /** A piece of the body of snapshot {@code index}, from {@code offset}. */
    record SnapshotChunk(UUID cluster, int from, long view, long index, long offset, byte[] data) implements Message {
        public SnapshotChunk {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * The determinism guard, between nodes (the replica passes it by): the sender's applied-state
     * digests of indices {@code firstIndex ..}, and, if {@code stateIndex} is not −1, the canonical
     * hash of its whole state after {@code stateIndex}. A receiver that applied the same indices
     * with other digests has diverged.
     */
    record Checkpoint(UUID cluster, int from, long view, long firstIndex, List<Hash> digests, long stateIndex,
                      Hash stateHash) implements Message {
        public Checkpoint {
            digests = List.copyOf(digests);
            Objects.requireNonNull(stateHash, "stateHash");
        }
    }

    /** A recovering replica asks for the cluster's state; {@code nonce} ties the answers to this ask. */
    record Recovery(UUID cluster, int from, long view, long nonce) implements Message {}

    /** The answer to a {@link Recovery}: my view, my log head, my commit number. */
    record RecoveryResponse(UUID cluster, int from, long view, long nonce, long op, Hash opHash, long commit,
                            boolean primary) implements Message {
        public RecoveryResponse {
            Objects.requireNonNull(opHash, "opHash");
        }
    }
}
