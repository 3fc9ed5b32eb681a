package io.chronon.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.chronon.engine.Hash;
import io.chronon.vsr.Message;

/**
 * Compares this node's applied-state digests and snapshot state hashes with its peers', to catch a
 * nondeterministic application the moment two replicas disagree.
 *
 * <p>Every {@code digestsPerCheckpoint} applied entries the node sends its peers the digest of each
 * (so the first differing index is known exactly, not just the checkpoint it falls in), and after
 * each snapshot the hash of its whole state. A digest from a peer for an index not yet applied here
 * waits until it is; memory is bounded by {@link #WINDOW} indices per peer, beyond which a far-ahead
 * peer's digests are dropped (the next snapshot's state hash still compares the result).
 */
final class DivergenceGuard {
    static final int WINDOW = 16_384;

    private final int self;
    private final int digestsPerCheckpoint;
    /** This node's digests of the last {@link #WINDOW} applied indices. */
    private final TreeMap<Long, Hash> ownDigests = new TreeMap<>();
    private final TreeMap<Long, Hash> ownStates = new TreeMap<>();
    /** Peers' digests and state hashes for indices not yet applied or snapshotted here. */
    private final Map<Integer, TreeMap<Long, Hash>> peerDigests = new HashMap<>();
    private final Map<Integer, TreeMap<Long, Hash>> peerStates = new HashMap<>();
    private final List<Hash> unsent = new ArrayList<>();
    private long unsentFirst = -1;
    private long lastAgreedState = -1;
    /** The index this node's state started from: peers' digests up to it are not compared here. */
    private long floor;

    DivergenceGuard(int self, int digestsPerCheckpoint, long startIndex) {
        this.self = self;
        this.digestsPerCheckpoint = digestsPerCheckpoint;
        this.floor = startIndex;
    }

    /**
     * This node applied {@code index} with {@code digest}. Returns the digests to send when a
     * checkpoint is due (first index, digests), else null.
     *
     * @throws DivergenceException if a peer applied {@code index} with another digest
     */
    Outgoing applied(long index, Hash digest) {
        ownDigests.put(index, digest);
        if (ownDigests.size() > WINDOW) {
            ownDigests.pollFirstEntry();
        }
        for (Map.Entry<Integer, TreeMap<Long, Hash>> peer : peerDigests.entrySet()) {
            Hash theirs = peer.getValue().remove(index);
            if (theirs != null && !theirs.equals(digest)) {
                throw new DivergenceException(self, peer.getKey(), index, false, digest, theirs, lastAgreedState);
            }
        }
        if (unsent.isEmpty() || unsentFirst + unsent.size() != index) {
            unsent.clear();
            unsentFirst = index;
        }
        unsent.add(digest);
        if (unsent.size() < digestsPerCheckpoint) {
            return null;
        }
        Outgoing outgoing = new Outgoing(unsentFirst, List.copyOf(unsent), -1, Hash.ZERO);
        unsent.clear();
        return outgoing;
    }

    /** This node's state after {@code index} hashes to {@code hash} (a snapshot); returns what to send. */
    Outgoing snapshotted(long index, Hash hash) {
        ownStates.put(index, hash);
        if (ownStates.size() > 64) {
            ownStates.pollFirstEntry();
        }
        for (Map.Entry<Integer, TreeMap<Long, Hash>> peer : peerStates.entrySet()) {
            Hash theirs = peer.getValue().remove(index);
            compareStates(peer.getKey(), index, hash, theirs);
        }
        return new Outgoing(index + 1, List.of(), index, hash);
    }

    /** A peer's checkpoint: compared with what this node applied, or kept until it has. */
    void received(Message.Checkpoint checkpoint) {
        int peer = checkpoint.from();
        TreeMap<Long, Hash> waiting = peerDigests.computeIfAbsent(peer, key -> new TreeMap<>());
        for (int i = 0; i < checkpoint.digests().size(); i++) {
            long index = checkpoint.firstIndex() + i;
            if (index <= floor) {
                continue;
            }
            Hash theirs = checkpoint.digests().get(i);
            Hash mine = ownDigests.get(index);
            if (mine != null) {
                if (!mine.equals(theirs)) {
                    throw new DivergenceException(self, peer, index, false, mine, theirs, lastAgreedState);
                }
            } else if (ownDigests.isEmpty() || index > ownDigests.lastKey()) {
                waiting.put(index, theirs);
            }
        }
        while (waiting.size() > WINDOW) {
            waiting.pollLastEntry();
        }
        if (checkpoint.stateIndex() > floor) {
            Hash mine = ownStates.get(checkpoint.stateIndex());
            if (mine != null) {
                compareStates(peer, checkpoint.stateIndex(), mine, checkpoint.stateHash());
            } else if (ownDigests.isEmpty() || checkpoint.stateIndex() > ownDigests.lastKey()) {
                TreeMap<Long, Hash> states = peerStates.computeIfAbsent(peer, key -> new TreeMap<>());
                states.put(checkpoint.stateIndex(), checkpoint.stateHash());
                while (states.size() > 64) {
                    states.pollLastEntry();
                }
            }
        }
    }

    private void compareStates(int peer, long index, Hash mine, Hash theirs) {
        if (theirs == null) {
            return;
        }
        if (!mine.equals(theirs)) {
            throw new DivergenceException(self, peer, index, true, mine, theirs, lastAgreedState);
        }
        lastAgreedState = Math.max(lastAgreedState, index);
    }

    /** The state jumped (a snapshot installed): digests before it are not this node's to compare. */
    void restartAt(long index) {
        floor = index;
        ownDigests.clear();
        unsent.clear();
        peerDigests.values().forEach(waiting -> waiting.headMap(index, true).clear());
        peerStates.values().forEach(waiting -> waiting.headMap(index, false).clear());
    }

    /** A checkpoint to send to every peer. */
    record Outgoing(long firstIndex, List<Hash> digests, long stateIndex, Hash stateHash) {}
}
