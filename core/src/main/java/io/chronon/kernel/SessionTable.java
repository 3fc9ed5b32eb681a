package io.chronon.kernel;

import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Invariants;

/**
 * Client sessions: for each client, its latest request number and the outcome it got, so that a
 * retry returns the saved reply instead of applying twice. Replicated state: every replica builds
 * the same table from the same log, and snapshots carry it.
 *
 * <p>Bounded: when a new client arrives at a full table, the session idle longest (the one whose
 * latest request has the lowest log index) is evicted; the same on every replica. A session opens
 * with request number 1, so a later request number without a session means an evicted session.
 * Immutable, like application state.
 */
public final class SessionTable {
    /** One client's latest request and its outcome. */
    public record Session(long requestNumber, long index, Outcome outcome) {}

    /** What the table says about an incoming request before anything is proposed. */
    public sealed interface Check {
        /** Not seen yet: propose it. */
        record Fresh() implements Check {}

        /** Already applied: answer with its saved outcome. */
        record Duplicate(Outcome outcome) implements Check {}

        /** Older than the client's latest request. */
        record Stale(long latestRequestNumber) implements Check {}

        /** The session was evicted (or the client skipped request number 1). */
        record Expired() implements Check {}
    }

    private final int capacity;
    private final PersistentMap<UUID, Session> sessions;
    /** The log index of each session's latest request, to find the idlest session. */
    private final PersistentMap<Long, UUID> byIndex;

    private SessionTable(int capacity, PersistentMap<UUID, Session> sessions, PersistentMap<Long, UUID> byIndex) {
        this.capacity = capacity;
        this.sessions = sessions;
        this.byIndex = byIndex;
    }

    public static SessionTable empty(int capacity) {
        Invariants.check(capacity >= 1, "a session table holds at least one session: %s", capacity);
        return new SessionTable(capacity, PersistentMap.empty(), PersistentMap.empty());
    }

    public int size() {
        return sessions.size();
    }

    public int capacity() {
        return capacity;
    }

    public Session get(UUID client) {
        return sessions.get(client);
    }

    public Check check(UUID client, long requestNumber) {
        Invariants.check(!client.equals(Entry.NO_CLIENT), "system entries have no session");
        Session session = sessions.get(client);
        if (session == null) {
            return requestNumber == 1 ? new Check.Fresh() : new Check.Expired();
        }
        if (requestNumber == session.requestNumber()) {
            return new Check.Duplicate(session.outcome());
        }
        if (requestNumber < session.requestNumber()) {
            return new Check.Stale(session.requestNumber());
        }
        return new Check.Fresh();
    }

    /** Records the outcome of a fresh request, evicting the idlest session if a new one does not fit. */
    public SessionTable record(UUID client, long requestNumber, long index, Outcome outcome) {
        Session previous = sessions.get(client);
        PersistentMap<UUID, Session> nextSessions = sessions;
        PersistentMap<Long, UUID> nextByIndex = byIndex;
        if (previous != null) {
            Invariants.check(requestNumber > previous.requestNumber(), "request %s of %s is not fresh (latest %s)",
                    requestNumber, client, previous.requestNumber());
            nextByIndex = nextByIndex.remove(previous.index());
        } else if (sessions.size() == capacity) {
            UUID idlest = byIndex.iterator().next().getValue();
            nextByIndex = nextByIndex.remove(sessions.get(idlest).index());
            nextSessions = nextSessions.remove(idlest);
        }
        nextSessions = nextSessions.put(client, new Session(requestNumber, index, outcome));
        nextByIndex = nextByIndex.put(index, client);
        return new SessionTable(capacity, nextSessions, nextByIndex);
    }

    /** A table holding exactly these sessions (from a snapshot). */
    static SessionTable of(int capacity, Iterable<java.util.Map.Entry<UUID, Session>> saved) {
        SessionTable table = empty(capacity);
        PersistentMap<UUID, Session> sessions = table.sessions;
        PersistentMap<Long, UUID> byIndex = table.byIndex;
        for (java.util.Map.Entry<UUID, Session> entry : saved) {
            Invariants.check(byIndex.get(entry.getValue().index()) == null, "two sessions at index %s",
                    entry.getValue().index());
            sessions = sessions.put(entry.getKey(), entry.getValue());
            byIndex = byIndex.put(entry.getValue().index(), entry.getKey());
        }
        Invariants.check(sessions.size() <= capacity, "%s sessions do not fit a table of %s", sessions.size(), capacity);
        return new SessionTable(capacity, sessions, byIndex);
    }

    /** The sessions in client order, for snapshots. */
    public Iterable<java.util.Map.Entry<UUID, Session>> sessions() {
        return sessions;
    }
}
