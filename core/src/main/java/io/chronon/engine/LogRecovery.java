package io.chronon.engine;

import java.util.List;

/**
 * An opened log and what recovery found. {@link #damage()} lists what the replica must repair from
 * its peers before it relies on those entries; the other findings are informational.
 */
public record LogRecovery(Log log, List<RecoveryFinding> findings) {

    public List<RecoveryFinding.Damage> damage() {
        return findings.stream()
                .filter(RecoveryFinding.Damage.class::isInstance)
                .map(RecoveryFinding.Damage.class::cast)
                .toList();
    }

    /** True when recovery found no damage (a torn tail, for one, is not damage). */
    public boolean intact() {
        return damage().isEmpty();
    }
}
