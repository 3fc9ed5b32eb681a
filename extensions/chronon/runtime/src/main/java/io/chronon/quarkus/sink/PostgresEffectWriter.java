package io.chronon.quarkus.sink;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What an application writes to PostgreSQL for one kind of effect. Implement it as a CDI bean and
 * route the effect kind to PostgreSQL ({@code chronon.effects."<kind>".sink=postgresql}): the
 * PostgreSQL sink calls {@link #write} inside a transaction that also records the effect id (a
 * second delivery of the same effect is skipped) and checks the fence (a primary of an older view
 * is refused), so that the writes happen exactly once.
 */
public interface PostgresEffectWriter {
    /** The effect kind this writer handles: the sink name the application gives its effects. */
    String effect();

    /** Statements that create the writer's tables if they are missing, run once at start. */
    List<String> schema();

    /**
     * Writes one effect with {@code transaction}, and nothing else: no commit, no other
     * connection. A failure rolls the whole transaction back and the effect is delivered again later.
     */
    Uni<Void> write(PostgresEffect effect, SqlConnection transaction);
}
