package io.chronon.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;

/**
 * Applies committed log entries to the application, in order, exactly once per replica, and keeps
 * what every replica must agree on: the state, the client sessions and a digest chained over every
 * applied entry and its outcome.
 *
 * <p>The digest of index i is SHA-256(digest of i−1 ‖ i ‖ hash of entry i ‖ encoded outcome ‖ the
 * effects it produced), from {@link Hash#ZERO} before the first entry. Replicas that applied the same
 * entries with the same outcomes and effects have the same digest, so comparing digests at one index
 * compares the whole history up to it, and the first index where two replicas' digests differ is
 * where they diverged.
 *
 * <p>The kernel's own state (client sessions and the outbox of effects) lives here, beside the
 * application's, so an application cannot forget an effect or a session.
 *
 * <p>Every piece of state is immutable, so a {@link Checkpoint} of it costs nothing to take and can
 * be written to a snapshot by another thread while entries go on being applied.
 *
 * <p>Single-threaded, like the application it drives.
 */
public final class Executor<S, C, Q, R> {
    /**
     * What applying one entry produced. {@code duplicate}: a retry, answered from the session;
     * {@code effects}: the effects it added to the outbox; {@code acknowledged}: the effect an
     * {@code EFFECT_DONE} entry took out of it (null for other entries, or one already gone);
     * {@code state}: the application's state after the entry (immutable, so keeping it costs only
     * what changed).
     */
    public record Result(Entry entry, Outcome outcome, boolean duplicate, List<Outbox.Pending> effects,
                         Outbox.Acknowledged acknowledged, Hash digest, Object state) {
        public Result {
            effects = List.copyOf(effects);
        }

        public long index() {
            return entry.index();
        }
    }

    /**
     * Everything the executor holds after applying entry {@code index}, which a snapshot saves:
     * immutable, so it can be encoded while the executor moves on.
     *
     * @param appliedBytes the payload bytes of every entry applied from the start, which decides where
     *                     snapshots are taken, the same on every replica
     * @param entryView    the view of entry {@code index}; {@code entryHash}, its hash;
     *                     {@code entryTimestamp}, its consensus timestamp
     */
    public record Checkpoint(long index, Hash digest, long appliedBytes, Object state, SessionTable sessions,
                             Outbox outbox, long entryView, Hash entryHash, long entryTimestamp) {}

    private final ChrApplication<S, C, Q, R> application;
    private final UUID cluster;
    private S state;
    private SessionTable sessions;
    private Outbox outbox = Outbox.EMPTY;
    private long appliedIndex;
    private long appliedBytes;
    private Hash digest;
    private long lastView;
    private Hash lastHash = Hash.ZERO;
    private long lastTimestamp;

    /**
     * An executor at genesis: nothing applied yet ({@link #appliedIndex()} is −1).
     *
     * @param cluster mixed into every effect id
     */
    public Executor(ChrApplication<S, C, Q, R> application, int sessionCapacity, UUID cluster) {
        this.application = application;
        this.cluster = cluster;
        this.state = application.genesis();
        this.sessions = SessionTable.empty(sessionCapacity);
        this.appliedIndex = -1;
        this.digest = Hash.ZERO;
        Invariants.check(state != null, "genesis() returned no state");
    }

    /** An executor continuing from a checkpoint (restored from a snapshot). */
    @SuppressWarnings("unchecked")
    public Executor(ChrApplication<S, C, Q, R> application, UUID cluster, Checkpoint from) {
        this.application = application;
        this.cluster = cluster;
        this.state = (S) from.state();
        this.sessions = from.sessions();
        this.outbox = from.outbox();
        this.appliedIndex = from.index();
        this.appliedBytes = from.appliedBytes();
        this.digest = from.digest();
        this.lastView = from.entryView();
        this.lastHash = from.entryHash();
        this.lastTimestamp = from.entryTimestamp();
        Invariants.check(state != null, "a checkpoint without state");
    }

    /** An executor of the same application continuing from {@code checkpoint} (a snapshot installed). */
    public Executor<S, C, Q, R> restoredFrom(Checkpoint checkpoint) {
        return new Executor<>(application, cluster, checkpoint);
    }

    /** What the executor holds now, for a snapshot; nothing applied yet has no checkpoint. */
    public Checkpoint checkpoint() {
        Invariants.check(appliedIndex >= 0, "nothing applied yet: no checkpoint");
        return new Checkpoint(appliedIndex, digest, appliedBytes, state, sessions, outbox, lastView, lastHash,
                lastTimestamp);
    }

    /** The payload bytes of every entry applied so far. */
    public long appliedBytes() {
        return appliedBytes;
    }

    public UUID cluster() {
        return cluster;
    }

    public ChrApplication<S, C, Q, R> application() {
        return application;
    }

    /** The highest applied index, −1 before the first. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public S state() {
        return state;
    }

    public SessionTable sessions() {
        return sessions;
    }

    public Outbox outbox() {
        return outbox;
    }

    public Hash digest() {
        return digest;
    }

    /** Applies the next committed entry (index {@code appliedIndex() + 1}). */
    public Result apply(Entry entry) {
        Invariants.check(entry.index() == appliedIndex + 1, "entry %s applied after entry %s", entry.index(),
                appliedIndex);
        Invariants.check(appliedIndex < 0 || entry.previousHash().equals(lastHash),
                "entry %s does not link to the entry applied before it", entry.index());
        Outcome outcome;
        boolean duplicate = false;
        List<Effect> effects = new ArrayList<>();
        Outbox.Acknowledged acknowledged = null;
        byte kind = Envelope.kind(entry.payload());
        switch (kind) {
            case Envelope.COMMAND -> {
                if (entry.client().equals(Entry.NO_CLIENT)) {
                    outcome = applyCommand(entry, effects);
                } else {
                    switch (sessions.check(entry.client(), entry.requestNumber())) {
                        case SessionTable.Check.Fresh fresh -> {
                            outcome = applyCommand(entry, effects);
                            sessions = sessions.record(entry.client(), entry.requestNumber(), entry.index(), outcome);
                        }
                        case SessionTable.Check.Duplicate saved -> {
                            outcome = saved.outcome();
                            duplicate = true;
                        }
                        case SessionTable.Check.Stale stale ->
                                outcome = new Outcome.StaleRequest(stale.latestRequestNumber());
                        case SessionTable.Check.Expired expired -> outcome = new Outcome.SessionExpired();
                    }
                }
            }
            case Envelope.EFFECT_DONE, Envelope.EFFECT_FAILED, Envelope.EFFECT_RETRY -> {
                Outbox.Pending effect = outbox.get(Envelope.effectId(entry.payload()));
                if (kind == Envelope.EFFECT_DONE && effect != null) {
                    acknowledged = new Outbox.Acknowledged(effect, Envelope.duplicateSuppressed(entry.payload()));
                }
                outcome = applyEffectEntry(entry);
            }
            default -> outcome = new Outcome.Failed("unknown entry kind " + kind);
        }
        List<Outbox.Pending> added = new ArrayList<>();
        for (int ordinal = 0; ordinal < effects.size(); ordinal++) {
            Effect effect = effects.get(ordinal);
            Outbox.Pending pending = new Outbox.Pending(EffectId.of(cluster, entry.index(), ordinal), entry.index(),
                    ordinal, effect.sink(), effect.payload(), Outbox.Status.PENDING, 0, null);
            outbox = outbox.add(pending);
            added.add(pending);
        }
        digest = chain(digest, entry, outcome, duplicate, effects);
        appliedIndex = entry.index();
        appliedBytes += entry.payload().length;
        lastView = entry.view();
        lastHash = entry.hash();
        lastTimestamp = entry.timestamp();
        return new Result(entry, outcome, duplicate, added, acknowledged, digest, state);
    }

    /** A kernel entry about an effect: done, failed, or retried by an operator. */
    private Outcome applyEffectEntry(Entry entry) {
        EffectId id = Envelope.effectId(entry.payload());
        Outbox.Pending effect = outbox.get(id);
        if (effect == null) {
            // Already done (a second confirmation after a failover): nothing to change.
            return new Outcome.Completed(new byte[0]);
        }
        switch (Envelope.kind(entry.payload())) {
            case Envelope.EFFECT_DONE -> outbox = outbox.remove(id);
            case Envelope.EFFECT_FAILED -> {
                if (effect.status() == Outbox.Status.PENDING) {
                    outbox = outbox.replace(id, Envelope.failed(entry.payload(), effect));
                }
            }
            default -> {
                if (effect.status() == Outbox.Status.FAILED) {
                    outbox = outbox.replace(id, new Outbox.Pending(id, effect.index(), effect.ordinal(), effect.sink(),
                            effect.payload(), Outbox.Status.PENDING, 0, effect.lastError()));
                }
            }
        }
        return new Outcome.Completed(new byte[0]);
    }

    private Outcome applyCommand(Entry entry, List<Effect> effects) {
        C command;
        try {
            command = application.commands().decode(Envelope.body(entry.payload()));
        } catch (RuntimeException e) {
            return new Outcome.Failed("malformed command: " + e.getMessage());
        }
        ApplyContext context = new ApplyContext(entry.index(), entry.view(), entry.timestamp(), entry.client(),
                entry.requestNumber(), seed(entry));
        Applied<S, R> applied;
        try {
            applied = application.apply(state, command, context);
        } catch (RuntimeException e) {
            // Recorded, not rethrown: the same exception happens on every replica, so the entry
            // fails the same way everywhere and the state stays as it was.
            return new Outcome.Failed(e.getClass().getName() + ": " + e.getMessage());
        }
        return switch (applied) {
            case Applied.Accepted<S, R> accepted -> {
                byte[] result = application.results().encode(accepted.result());
                state = accepted.state();
                effects.addAll(accepted.effects());
                yield new Outcome.Completed(result);
            }
            case Applied.Rejected<S, R> rejected -> new Outcome.Rejected(rejected.rejection());
        };
    }

    /** Answers a query against the current state, with bytes in and bytes out. */
    public byte[] query(byte[] query) {
        return application.results().encode(application.query(state, application.queries().decode(query)));
    }

    /** The seed of an entry: the first 8 bytes of SHA-256(hash of the previous entry ‖ index). */
    static long seed(Entry entry) {
        MessageDigest sha = Hash.newDigest();
        sha.update(entry.previousHash().toByteArray());
        sha.update(ByteBuffer.allocate(8).putLong(entry.index()).array());
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    private static Hash chain(Hash previous, Entry entry, Outcome outcome, boolean duplicate, List<Effect> effects) {
        MessageDigest sha = Hash.newDigest();
        sha.update(previous.toByteArray());
        sha.update(ByteBuffer.allocate(13).putLong(entry.index()).put((byte) (duplicate ? 1 : 0))
                .putInt(effects.size()).array());
        sha.update(entry.hash().toByteArray());
        sha.update(outcome.encode());
        for (Effect effect : effects) {
            sha.update(effect.sink().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Hash.sha256(effect.payload()).toByteArray());
        }
        return Hash.finish(sha);
    }
}
