package io.chronon.quarkus.sink;

import java.util.concurrent.CompletionStage;

/**
 * Asks the replica whether it still leads a view, with a quorum round that starts after the call: a
 * sink that cannot fence by itself asks right before it makes a delivery visible, so that a
 * deposed primary (paused, cut off) never does.
 */
@FunctionalInterface
public interface ViewConfirmation {
    /** True if this replica is still the primary of {@code view}; false once another view began. */
    CompletionStage<Boolean> stillLeads(long view);
}
