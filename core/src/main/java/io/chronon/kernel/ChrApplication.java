package io.chronon.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An application that Chronon replicates: a deterministic state machine.
 *
 * <p>A replica applies commands from one thread, in log order, and there are no leader callbacks.
 * The other methods (the codecs, {@link #query}, the snapshot methods) may run on other threads at
 * the same time, and an in-process dev cluster shares one bean between its replicas: so the
 * application keeps no mutable fields. Everything that changes is the state, passed in and returned.
 * Its state must be <b>immutable</b> (records and persistent collections such as
 * {@link PersistentMap}): {@link #apply} returns a new state and leaves the one it was given as it
 * was. That is how a rejection or an exception leaves the state unchanged on every replica, and how
 * the history of versions stays cheap to keep.
 *
 * <p>Determinism rules: {@code apply} sees only the state, the command and the {@link ApplyContext}
 * (consensus time and a seed, never the wall clock or a random source of its own); it iterates only
 * ordered collections; it uses {@link StrictMath}, not {@link Math}, for floating point.
 *
 * @param <S> the state
 * @param <C> commands (change the state, go through the log)
 * @param <Q> queries (read the state, never logged)
 * @param <R> results of commands and queries
 */
public interface ChrApplication<S, C, Q, R> {

    /** The state before the first command. */
    S genesis();

    /**
     * Applies one committed command. Return {@link Applied#accept} with the new state and the result,
     * or {@link Applied#reject} for a deterministic "no" (the log index is consumed, the state stays).
     * A {@link RuntimeException} is recorded as a failed entry with the state unchanged, the same on
     * every replica; an {@link Error} crashes the replica, which then recovers.
     */
    Applied<S, R> apply(S state, C command, ApplyContext context);

    /** Answers a query against a state. Must not change anything. */
    R query(S state, Q query);

    /**
     * How a state shows in time travel ({@code GET /chronon/state}, {@code /chronon/diff}): a value
     * that JSON serialisation renders (records, maps, lists, strings, numbers). The state itself by
     * default; override it when the state holds structures that do not render as JSON, such as a
     * {@link PersistentMap}. Iterate in key order, so that a state always renders the same.
     */
    default Object view(S state) {
        return state;
    }

    Codec<C> commands();

    Codec<Q> queries();

    Codec<R> results();

    /** The version of the snapshot encoding {@link #writeSnapshot} produces. */
    int snapshotSchemaVersion();

    /**
     * Writes a state in the current snapshot encoding, canonically: equal states give equal bytes
     * (iterate in key order, no identity hash codes), because replicas compare the hashes of their
     * snapshots to detect divergence.
     */
    void writeSnapshot(S state, OutputStream out) throws IOException;

    /**
     * Reads a state written with the given schema version (this or an older one), consuming exactly
     * what {@link #writeSnapshot} wrote; refuses an unknown version with an {@link IOException}.
     */
    S readSnapshot(InputStream in, int schemaVersion) throws IOException;
}
