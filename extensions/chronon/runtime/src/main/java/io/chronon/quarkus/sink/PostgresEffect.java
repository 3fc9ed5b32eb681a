package io.chronon.quarkus.sink;

import io.chronon.kernel.EffectId;

/**
 * An effect handed to a {@link PostgresEffectWriter}: its id (unique in the cluster, the key to
 * write it under), the view of the primary delivering it, and the payload the application gave it.
 */
public record PostgresEffect(EffectId id, long view, byte[] payload) {}
