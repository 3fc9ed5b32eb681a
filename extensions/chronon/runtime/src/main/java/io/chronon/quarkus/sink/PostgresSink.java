package io.chronon.quarkus.sink;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

/**
 * Exactly-once delivery to PostgreSQL. One transaction per effect does three things, so that they
 * happen together or not at all:
 * <ol>
 *   <li>the fence: the cluster's row in {@code chronon_sink_fence} is raised to the deliverer's view
 *       (row-locked until commit); if it already holds a newer view, the deliverer is a zombie
 *       primary and the transaction is rolled back ({@link FencedOutException});</li>
 *   <li>the claim: the effect id goes into {@code chronon_effect_dedup}; if it is there already, an
 *       earlier delivery committed (a primary died between the sink's commit and its
 *       acknowledgement) and nothing else is written;</li>
 *   <li>the application's writes ({@link PostgresEffectWriter}).</li>
 * </ol>
 * Uses the reactive PostgreSQL client (the transaction runs on its Vert.x event loop; the effects
 * thread only waits for the outcome).
 */
public final class PostgresSink implements EffectSink {
    static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS chronon_sink_fence (cluster_id uuid PRIMARY KEY, view bigint NOT NULL)",
            "CREATE TABLE IF NOT EXISTS chronon_effect_dedup (cluster_id uuid NOT NULL, effect_id text NOT NULL,"
                    + " view bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (cluster_id, effect_id))");
    private static final Duration SCHEMA_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(PostgresSink.class);

    private final String name;
    private final UUID cluster;
    private final Pool pool;
    private final PostgresEffectWriter writer;
    private final SinkCounters counters;

    public PostgresSink(String name, UUID cluster, Pool pool, PostgresEffectWriter writer, SinkCounters counters) {
        this.name = name;
        this.cluster = cluster;
        this.pool = pool;
        this.writer = writer;
        this.counters = counters;
    }

    /** Creates the sink's tables and the writer's, if missing (idempotent; at start, blocking). */
    public static void createSchema(Pool pool, PostgresEffectWriter writer) {
        for (String statement : SCHEMA) {
            pool.query(statement).execute().await().atMost(SCHEMA_TIMEOUT);
        }
        for (String statement : writer.schema()) {
            pool.query(statement).execute().await().atMost(SCHEMA_TIMEOUT);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    @Override
    public CompletionStage<Receipt> deliver(Delivery delivery) {
        EffectId id = delivery.id();
        long view = delivery.view();
        return pool.withTransaction(transaction -> fence(transaction, view)
                        .chain(() -> claim(transaction, id, view))
                        .chain(fresh -> fresh
                                ? writer.write(new PostgresEffect(id, view, delivery.payload()), transaction).replaceWith(true)
                                : Uni.createFrom().item(false)))
                .invoke(written -> {
                    if (!written) {
                        counters.duplicateSuppressed(name);
                        LOG.infof("effect %s was already written to %s: this delivery (view %d) wrote nothing", id,
                                name, view);
                    }
                })
                .onFailure(FencedOutException.class).invoke(fenced -> {
                    counters.fenced(name);
                    LOG.warnf("refused a delivery of effect %s: %s (a newer primary took over)", id,
                            fenced.getMessage());
                })
                .map(written -> written ? Receipt.DELIVERED : Receipt.DUPLICATE_SUPPRESSED).subscribeAsCompletionStage();
    }

    private Uni<Void> fence(SqlConnection transaction, long view) {
        return transaction.preparedQuery("INSERT INTO chronon_sink_fence (cluster_id, view) VALUES ($1, $2)"
                        + " ON CONFLICT (cluster_id) DO UPDATE SET view = GREATEST(chronon_sink_fence.view, EXCLUDED.view)"
                        + " RETURNING view")
                .execute(Tuple.of(cluster, view))
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    long fence = row.getLong("view");
                    if (fence > view) {
                        throw new FencedOutException(name, view, fence);
                    }
                }).replaceWithVoid();
    }

    /** Whether the effect is new to the sink (false: a delivery already committed). */
    private Uni<Boolean> claim(SqlConnection transaction, EffectId id, long view) {
        return transaction.preparedQuery("INSERT INTO chronon_effect_dedup (cluster_id, effect_id, view)"
                        + " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(cluster, id.toString(), view))
                .map(rows -> rows.rowCount() == 1);
    }
}
