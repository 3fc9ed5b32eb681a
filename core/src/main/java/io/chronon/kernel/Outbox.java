package io.chronon.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The effects committed but not yet confirmed by their sinks: kernel state, replicated, snapshotted
 * beside the application's state, so no application can forget an effect. Immutable.
 *
 * <p>An effect enters {@link Status#PENDING} when its command is applied, leaves the outbox when a
 * {@code DONE} entry for it is applied (the log keeps its history), and becomes {@link Status#FAILED}
 * when a {@code FAILED} entry is applied after too many attempts; an operator's {@code RETRY} entry
 * makes it pending again. Iteration is in log order (index, then ordinal): the order effects of one
 * sink are delivered in.
 */
public final class Outbox {
    public enum Status { PENDING, FAILED }

    /** One effect awaiting its sink's confirmation. */
    public record Pending(EffectId id, long index, int ordinal, String sink, byte[] payload, Status status,
                          int attempts, String lastError) {
        public Pending {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Pending pending && id.equals(pending.id) && index == pending.index
                    && ordinal == pending.ordinal && sink.equals(pending.sink) && Arrays.equals(payload, pending.payload)
                    && status == pending.status && attempts == pending.attempts
                    && Objects.equals(lastError, pending.lastError);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /**
     * An effect an {@code EFFECT_DONE} entry took out of the outbox, and whether its sink found it
     * already delivered (a suppressed duplicate: an earlier primary's delivery had landed).
     */
    public record Acknowledged(Pending effect, boolean duplicateSuppressed) {}

    /** The position of an effect in the log, its delivery order. */
    record Position(long index, int ordinal) implements Comparable<Position> {
        @Override
        public int compareTo(Position other) {
            int byIndex = Long.compare(index, other.index);
            return byIndex != 0 ? byIndex : Integer.compare(ordinal, other.ordinal);
        }
    }

    public static final Outbox EMPTY = new Outbox(PersistentMap.empty(), PersistentMap.empty());

    private final PersistentMap<Position, Pending> byPosition;
    private final PersistentMap<EffectId, Position> byId;

    private Outbox(PersistentMap<Position, Pending> byPosition, PersistentMap<EffectId, Position> byId) {
        this.byPosition = byPosition;
        this.byId = byId;
    }

    public int size() {
        return byPosition.size();
    }

    public Pending get(EffectId id) {
        Position position = byId.get(id);
        return position == null ? null : byPosition.get(position);
    }

    /** Every effect, in log order. */
    public List<Pending> all() {
        List<Pending> all = new ArrayList<>();
        for (Map.Entry<Position, Pending> entry : byPosition) {
            all.add(entry.getValue());
        }
        return all;
    }

    Outbox add(Pending pending) {
        Position position = new Position(pending.index(), pending.ordinal());
        return new Outbox(byPosition.put(position, pending), byId.put(pending.id(), position));
    }

    /** The outbox without {@code id} (done); unchanged if it holds no such effect. */
    Outbox remove(EffectId id) {
        Position position = byId.get(id);
        return position == null ? this : new Outbox(byPosition.remove(position), byId.remove(id));
    }

    /** The outbox with {@code id} replaced by {@code updated}; unchanged if it holds no such effect. */
    Outbox replace(EffectId id, Pending updated) {
        Position position = byId.get(id);
        return position == null ? this : new Outbox(byPosition.put(position, updated), byId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Outbox outbox && byPosition.equals(outbox.byPosition);
    }

    @Override
    public int hashCode() {
        return byPosition.hashCode();
    }
}
