package io.chronon.vsr;

import java.util.ArrayList;
import java.util.List;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;
import io.chronon.engine.SnapshotInfo;

/**
 * Brings this replica's log to a target log, known by its end (op and hash), from a source replica
 * that holds it. One mechanism serves every case: a backup behind its primary, a replica joining a
 * view, the new primary adopting the chosen log, a recovering replica.
 *
 * <p>The hash chain makes it safe and frugal. Where this log and the target agree at an index, they
 * agree on everything before it. So the catch-up first finds the <em>join point</em>, the highest
 * index where they agree, from the target entries it was given and, if they do not reach down far
 * enough, by bisecting with single-entry probes between a point known to agree (the commit number:
 * committed entries are in every chosen log) and the end of this log. It truncates only what lies
 * after the join point (entries that are not in the target log, so were never committed), fetches
 * the rest forward in bounded chunks, each verified to link to the one before, and ends only when
 * this log is durable through the target op and ends with the target hash. Every request has a
 * timeout and is repeated.
 *
 * <p>When the source has compacted the entries this log needs, it offers its snapshot instead. The
 * snapshot is fetched in chunks, written in order and verified against the hash the offer announced
 * before it counts; a lost chunk is asked for again from where the transfer stands, and a source
 * that no longer holds the snapshot offers its newer one. The installed snapshot replaces this log
 * up to its index (all of it committed), and the catch-up goes on from there.
 */
final class Catchup {
    private final Replica r;
    private boolean active;
    private long view;
    private int source;
    private long targetOp;
    private Hash targetHash;
    /** Known target entries, contiguous, ending at targetOp (may be empty). */
    private List<Entry> suffix = List.of();
    private Runnable onDone;
    /** The join search: this log agrees with the target at low; unknown in (low, high]. */
    private boolean searching;
    private long low;
    private long high;
    /** The outstanding request, if any. */
    private long requestedFirst = -1;
    private long requestedLast;
    private long requestDeadline;
    /** The snapshot being received from the source, or null. */
    private SnapshotInfo installing;
    /** The tick of the last answer that moved this catch-up forward. */
    private long progressAt;
    /** Body bytes of {@code installing} received and handed to storage. */
    private long installOffset;
    /**
     * A transfer this replica began and left unfinished (its catch-up was replaced), and how far it
     * got: storage still holds that much, so the same snapshot offered again (by any replica: at the
     * same index the canonical body is the same everywhere) resumes there.
     */
    private SnapshotInfo unfinished;
    private long unfinishedOffset;

    Catchup(Replica replica) {
        this.r = replica;
    }

    boolean active() {
        return active;
    }

    /** Whether this catch-up has gone {@code ticks} ticks without an answer that moved it forward. */
    boolean stalledFor(long ticks) {
        return active && r.ticks - progressAt >= ticks;
    }

    /** Whether a catch-up is already under way to this view's log at this op. */
    boolean headingTo(long view, long op, Hash hash) {
        return active && this.view == view && targetOp == op && targetHash.equals(hash);
    }

    /**
     * In-view catch-up of a backup whose log is a prefix of its primary's: fetch from the end of
     * this log up to {@code op}.
     */
    void follow(int source, long op, Hash hash) {
        if (active) {
            if (this.view == r.view && op > targetOp) {
                targetOp = op;
                targetHash = hash;
                suffix = List.of();
            }
            return;
        }
        begin(r.view, source, op, hash, List.of(), r.log.op(), null);
    }

    /** Brings this log to the one ending at {@code op} with {@code hash}, then runs {@code onDone}. */
    void adopt(long view, int source, long op, Hash hash, List<Entry> knownSuffix, Runnable onDone) {
        Invariants.check(op >= r.commit, "target log ends at %s, below the commit number %s of replica %s", op,
                r.commit, r.self);
        begin(view, source, op, hash, knownSuffix, r.commit, onDone);
    }

    void cancel() {
        active = false;
        searching = false;
        requestedFirst = -1;
        onDone = null;
        leaveTransfer();
    }

    /** Stops receiving a snapshot, remembering how far the transfer got. */
    private void leaveTransfer() {
        if (installing != null) {
            unfinished = installing;
            unfinishedOffset = installOffset;
        }
        installing = null;
    }

    private void begin(long view, int source, long op, Hash hash, List<Entry> knownSuffix, long agreedAt,
                       Runnable onDone) {
        leaveTransfer();
        this.active = true;
        this.view = view;
        this.source = source;
        this.targetOp = op;
        this.targetHash = hash;
        this.suffix = knownSuffix.isEmpty() || knownSuffix.getLast().index() != op ? List.of() : knownSuffix;
        this.onDone = onDone;
        this.requestedFirst = -1;
        this.progressAt = r.ticks;
        findJoin(agreedAt);
    }

    /** The target's hash at {@code index} if the target entries given tell it, else null. */
    private Hash targetHashAt(long index) {
        if (index == targetOp) {
            return targetHash;
        }
        if (suffix.isEmpty()) {
            return null;
        }
        long first = suffix.getFirst().index();
        if (index == first - 1) {
            return suffix.getFirst().previousHash();
        }
        return index >= first && index <= targetOp ? suffix.get((int) (index - first)).hash() : null;
    }

    private void findJoin(long agreedAt) {
        low = Math.min(agreedAt, r.log.op());
        high = Math.min(r.log.op(), targetOp);
        Hash agreed = targetHashAt(low);
        Invariants.check(agreed == null || agreed.equals(r.log.hashAt(low)),
                "replica %s disagrees with the target log at %s, which it holds as agreed (committed)", r.self, low);
        // Walk down through the indices whose target hash we know.
        while (high > low) {
            Hash target = targetHashAt(high);
            if (target == null) {
                break;
            }
            if (target.equals(r.log.hashAt(high))) {
                low = high;
                break;
            }
            high--;
        }
        searching = high > low;
        if (searching) {
            probe();
        } else {
            joined(low);
        }
    }

    private void probe() {
        long middle = low + (high - low + 1) / 2;
        request(middle, middle);
    }

    private void joined(long join) {
        searching = false;
        if (r.log.op() > join) {
            r.truncateAfter(join);
        }
        advance();
    }

    /** Appends what the known suffix offers, fetches what is missing, or finishes. */
    private void advance() {
        if (!active) {
            return;
        }
        List<Entry> fromSuffix = new ArrayList<>();
        for (Entry entry : suffix) {
            if (entry.index() == r.log.op() + fromSuffix.size() + 1) {
                fromSuffix.add(entry);
            }
        }
        if (!fromSuffix.isEmpty() && fromSuffix.getFirst().previousHash().equals(r.log.opHash())) {
            r.persist(fromSuffix);
        }
        if (r.log.op() < targetOp) {
            if (requestedFirst < 0) {
                long end = suffix.isEmpty() ? targetOp : suffix.getFirst().index() - 1;
                request(r.log.op() + 1, Math.max(r.log.op() + 1, end));
            }
            return;
        }
        if (!targetHash.equals(r.log.hashAt(targetOp))) {
            // The entries fetched lead elsewhere (the source moved on): start over from what agrees.
            begin(view, source, targetOp, targetHash, suffix, r.commit, onDone);
            return;
        }
        if (r.log.durableOp() >= targetOp) {
            Runnable done = onDone;
            cancel();
            if (done != null) {
                done.run();
            }
        }
    }

    private void request(long first, long last) {
        requestedFirst = first;
        requestedLast = last;
        requestDeadline = r.ticks + r.config.requestTicks();
        r.send(source, new Message.RequestEntries(r.config.cluster(), r.self, r.view, first, last));
    }

    // ---------------------------------------------------------------- answers

    void onEntries(Message.Entries answer) {
        if (!active || answer.from() != source || answer.first() != requestedFirst) {
            return;
        }
        requestedFirst = -1;
        List<Entry> entries = answer.entries();
        if (!entries.isEmpty()) {
            progressAt = r.ticks;
        }
        if (entries.isEmpty()) {
            // The source does not hold them (yet); ask again after the timeout.
            requestDeadline = r.ticks + r.config.requestTicks();
            requestedFirst = answer.first();
            return;
        }
        if (searching) {
            Entry probed = entries.getFirst();
            if (probed.index() != answer.first()) {
                return;
            }
            if (probed.hash().equals(r.log.hashAt(probed.index()))) {
                low = probed.index();
            } else {
                high = probed.index() - 1;
            }
            if (high > low) {
                probe();
            } else {
                joined(low);
            }
            return;
        }
        List<Entry> linked = new ArrayList<>();
        Hash previous = r.log.opHash();
        for (Entry entry : entries) {
            if (entry.index() != r.log.op() + linked.size() + 1 || !entry.previousHash().equals(previous)) {
                break;
            }
            linked.add(entry);
            previous = entry.hash();
        }
        r.persist(linked);
        advance();
    }

    void onPersisted() {
        if (active && !searching) {
            advance();
        }
    }

    void onTick() {
        if (active && installing != null && installOffset < installing.bodyBytes() && r.ticks >= requestDeadline) {
            requestChunk();
        } else if (active && requestedFirst >= 0 && r.ticks >= requestDeadline) {
            request(requestedFirst, requestedLast);
        }
    }

    // ---------------------------------------------------------------- snapshot install

    /** The source compacted what was asked for: take its snapshot, if it moves this replica forward. */
    void onSnapshotOffer(Message.SnapshotOffer offer) {
        SnapshotInfo snapshot = offer.snapshot();
        if (!active || offer.from() != source || snapshot.index() <= r.commit || snapshot.bodyBytes() == 0
                || (installing != null && installing.index() == snapshot.index())) {
            return;
        }
        if (snapshot.index() > targetOp) {
            if (onDone != null && offer.view() != view) {
                // The source has moved to another view: its log need not extend the target log.
                return;
            }
            // The source's log in the target's view extends the target log (a log only grows within
            // a view) and the snapshot is committed state on it: the snapshot becomes the goal.
            targetOp = snapshot.index();
            targetHash = snapshot.meta().chainHash();
            suffix = List.of();
        }
        searching = false;
        requestedFirst = -1;
        installing = snapshot;
        boolean resumes = snapshot.equals(unfinished) && unfinishedOffset < snapshot.bodyBytes();
        installOffset = resumes ? unfinishedOffset : 0;
        unfinished = null;
        requestChunk();
    }

    private void requestChunk() {
        requestDeadline = r.ticks + r.config.requestTicks();
        r.send(source, new Message.RequestSnapshotChunk(r.config.cluster(), r.self, r.view, installing.index(),
                installOffset));
    }

    void onSnapshotChunk(Message.SnapshotChunk chunk) {
        if (!active || installing == null || chunk.from() != source || chunk.index() != installing.index()
                || chunk.offset() != installOffset || chunk.data().length == 0
                || installOffset + chunk.data().length > installing.bodyBytes()) {
            return;
        }
        r.outputs.add(new Output.WriteSnapshotChunk(installing, installOffset, chunk.data()));
        installOffset += chunk.data().length;
        progressAt = r.ticks;
        if (installOffset < installing.bodyBytes()) {
            requestChunk();
        }
    }

    void onSnapshotChunkWritten(StorageEvent.SnapshotChunkWritten written) {
        if (installing == null || written.index() != installing.index() || written.end() != installing.bodyBytes()) {
            return;
        }
        SnapshotInfo verified = installing;
        installing = null;
        r.installSnapshot(verified);
        begin(view, source, targetOp, targetHash, suffix, r.commit, onDone);
    }

    void onSnapshotRefused(StorageEvent.SnapshotRefused refused) {
        if (unfinished != null && refused.index() == unfinished.index()) {
            unfinished = null;
        }
        if (installing != null && refused.index() == installing.index()) {
            installOffset = 0;
            requestChunk();
        }
    }

    // ---------------------------------------------------------------- serving others

    /** Serves entries from memory, or asks storage for the ones only it holds, or offers the snapshot. */
    void onRequestEntries(Message.RequestEntries request) {
        long first = request.first();
        long last = Math.min(request.last(), r.log.op());
        if (first < r.log.memoryFirst() && first < r.logFirst && r.snapshot != null) {
            r.send(request.from(), new Message.SnapshotOffer(r.config.cluster(), r.self, r.view, r.snapshot));
            return;
        }
        if (first > last) {
            r.send(request.from(), new Message.Entries(r.config.cluster(), r.self, r.view, first, List.of()));
            return;
        }
        if (first >= r.log.memoryFirst()) {
            r.send(request.from(), new Message.Entries(r.config.cluster(), r.self, r.view, first,
                    r.log.entries(first, last, r.config.messageMaxBytes())));
            return;
        }
        long fromStorage = Math.min(last, r.log.memoryFirst() - 1);
        r.outputs.add(new Output.Load(first, Math.min(fromStorage, first + r.config.batchMaxEntries() - 1),
                request.from()));
    }

    void onLoaded(StorageEvent.Loaded loaded) {
        if (loaded.entries().isEmpty() && r.snapshot != null && loaded.first() <= r.snapshot.index()) {
            // Storage cannot give these entries (damaged, or compacted meanwhile), but the snapshot
            // holds their effect: offer it, or the peer would ask for them forever.
            r.send(loaded.forReplica(), new Message.SnapshotOffer(r.config.cluster(), r.self, r.view, r.snapshot));
            return;
        }
        List<Entry> entries = new ArrayList<>();
        int bytes = 0;
        for (Entry entry : loaded.entries()) {
            if (!entries.isEmpty() && bytes + entry.payload().length > r.config.messageMaxBytes()) {
                break;
            }
            entries.add(entry);
            bytes += entry.payload().length;
        }
        r.send(loaded.forReplica(), new Message.Entries(r.config.cluster(), r.self, r.view, loaded.first(), entries));
    }

    void onRequestSnapshotChunk(Message.RequestSnapshotChunk request) {
        r.outputs.add(new Output.LoadSnapshotChunk(request.from(), request.index(), request.offset(),
                r.config.messageMaxBytes()));
    }

    void onSnapshotChunkLoaded(StorageEvent.SnapshotChunkLoaded loaded) {
        if (loaded.data() != null) {
            r.send(loaded.forReplica(), new Message.SnapshotChunk(r.config.cluster(), r.self, r.view, loaded.index(),
                    loaded.offset(), loaded.data()));
        } else if (r.snapshot != null && r.snapshot.index() != loaded.index()) {
            // That snapshot is gone (a newer one replaced it): offer the newer one.
            r.send(loaded.forReplica(), new Message.SnapshotOffer(r.config.cluster(), r.self, r.view, r.snapshot));
        }
    }
}
