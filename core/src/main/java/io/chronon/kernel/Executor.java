package io.chronon.kernel;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.engine.Invariants;

/**
 * Applies committed log entries to the application, in order, exactly once per replica, and keeps
 * what every replica must agree on: the state, the client sessions and a digest chained over every
 * applied entry and its outcome.
 *
 * <p>The digest of index i is SHA-256(digest of i−1 ‖ i ‖ hash of entry i ‖ encoded outcome), from
 * {@link Hash#ZERO} before the first entry. Replicas that applied the same entries with the same
 * outcomes have the same digest, so comparing digests at one index compares the whole history of
 * outcomes up to it, and the first index where two replicas' digests differ is where they diverged.
 *
 * <p>Single-threaded, like the application it drives.
 */
public final class Executor<S, C, Q, R> {
    /** What applying one entry produced. {@code duplicate}: a retry, answered from the session. */
    public record Result(long index, Outcome outcome, boolean duplicate, Hash digest) {}

    private final ChrApplication<S, C, Q, R> application;
    private S state;
    private SessionTable sessions;
    private long appliedIndex;
    private Hash digest;

    /** An executor at genesis: nothing applied yet ({@link #appliedIndex()} is −1). */
    public Executor(ChrApplication<S, C, Q, R> application, int sessionCapacity) {
        this.application = application;
        this.state = application.genesis();
        this.sessions = SessionTable.empty(sessionCapacity);
        this.appliedIndex = -1;
        this.digest = Hash.ZERO;
        Invariants.check(state != null, "genesis() returned no state");
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

    public Hash digest() {
        return digest;
    }

    /** Applies the next committed entry (index {@code appliedIndex() + 1}). */
    public Result apply(Entry entry) {
        Invariants.check(entry.index() == appliedIndex + 1, "entry %s applied after entry %s", entry.index(),
                appliedIndex);
        Outcome outcome;
        boolean duplicate = false;
        byte kind = Envelope.kind(entry.payload());
        if (kind != Envelope.COMMAND) {
            outcome = new Outcome.Failed("unknown entry kind " + kind);
        } else if (entry.client().equals(Entry.NO_CLIENT)) {
            outcome = applyCommand(entry);
        } else {
            switch (sessions.check(entry.client(), entry.requestNumber())) {
                case SessionTable.Check.Fresh fresh -> {
                    outcome = applyCommand(entry);
                    sessions = sessions.record(entry.client(), entry.requestNumber(), entry.index(), outcome);
                }
                case SessionTable.Check.Duplicate saved -> {
                    outcome = saved.outcome();
                    duplicate = true;
                }
                case SessionTable.Check.Stale stale -> outcome = new Outcome.StaleRequest(stale.latestRequestNumber());
                case SessionTable.Check.Expired expired -> outcome = new Outcome.SessionExpired();
            }
        }
        digest = chain(digest, entry, outcome, duplicate);
        appliedIndex = entry.index();
        return new Result(entry.index(), outcome, duplicate, digest);
    }

    private Outcome applyCommand(Entry entry) {
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

    private static Hash chain(Hash previous, Entry entry, Outcome outcome, boolean duplicate) {
        MessageDigest sha = Hash.newDigest();
        sha.update(previous.toByteArray());
        sha.update(ByteBuffer.allocate(9).putLong(entry.index()).put((byte) (duplicate ? 1 : 0)).array());
        sha.update(entry.hash().toByteArray());
        sha.update(outcome.encode());
        return Hash.finish(sha);
    }
}
