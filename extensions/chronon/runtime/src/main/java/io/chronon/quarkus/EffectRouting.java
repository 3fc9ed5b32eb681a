package io.chronon.quarkus;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.inject.Instance;

import io.chronon.kernel.EffectSink;
import io.chronon.quarkus.sink.PostgresEffectWriter;
import io.chronon.quarkus.sink.PostgresSink;
import io.chronon.quarkus.sink.SinkCounters;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.LaunchMode;
import io.vertx.mutiny.sqlclient.Pool;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Which sink takes each kind of effect: the routes of {@code chronon.effects} (the journal,
 * PostgreSQL, or an {@code EffectSink} bean named by the route), then the application's own
 * {@code EffectSink} beans whose name is the kind; whatever is left goes to the effect journal (the
 * caller's fallback). A route to PostgreSQL without a configured datasource falls back to the journal in dev
 * and test mode, saying so, and stops the start in production, where silently losing exactly-once
 * would be worse than not starting.
 */
final class EffectRouting {
    private static final Logger LOG = Logger.getLogger(EffectRouting.class);
    private static final String DATASOURCE_URL = "quarkus.datasource.reactive.url";
    static final String JOURNAL = "journal";
    static final String POSTGRESQL = "postgresql";

    private EffectRouting() {}

    static Map<String, EffectSink> sinks(ChrononConfig config, Instance<EffectSink> userSinks,
                                         Instance<PostgresEffectWriter> writers, UUID cluster, SinkCounters counters) {
        Map<String, EffectSink> beans = new HashMap<>();
        for (EffectSink sink : userSinks) {
            EffectSink previous = beans.put(sink.name(), sink);
            if (previous != null) {
                throw new IllegalStateException("two effect sinks are named '" + sink.name() + "'");
            }
        }
        Map<String, EffectSink> sinks = new HashMap<>(beans);
        for (Map.Entry<String, ChrononConfig.EffectRoute> route : config.effects().entrySet()) {
            String kind = route.getKey();
            String target = route.getValue().sink().trim();
            switch (target) {
                case JOURNAL -> sinks.remove(kind);
                case POSTGRESQL -> {
                    EffectSink sink = postgres(kind, writers, cluster, counters);
                    if (sink == null) {
                        sinks.remove(kind);
                    } else {
                        sinks.put(kind, sink);
                    }
                }
                default -> {
                    EffectSink bean = beans.get(target);
                    if (bean == null) {
                        throw new IllegalStateException("chronon.effects.\"" + kind + "\".sink=" + target + ", but that is"
                                + " neither journal nor postgresql nor the name of an EffectSink bean (there are: "
                                + new TreeSet<>(beans.keySet()) + ")");
                    }
                    sinks.put(kind, bean);
                }
            }
        }
        return sinks;
    }

    private static EffectSink postgres(String kind, Instance<PostgresEffectWriter> writers, UUID cluster,
                                       SinkCounters counters) {
        PostgresEffectWriter writer = null;
        for (PostgresEffectWriter candidate : writers) {
            if (candidate.effect().equals(kind)) {
                if (writer != null) {
                    throw new IllegalStateException("two PostgresEffectWriter beans write '" + kind + "' effects: "
                            + writer.getClass().getName() + " and " + candidate.getClass().getName());
                }
                writer = candidate;
            }
        }
        if (writer == null) {
            throw new IllegalStateException("chronon.effects.\"" + kind + "\".sink=postgresql, but no"
                    + " PostgresEffectWriter bean writes '" + kind + "' effects: implement one (see"
                    + " docs/side-effects.md)");
        }
        if (ConfigProvider.getConfig().getOptionalValue(DATASOURCE_URL, String.class).isEmpty()) {
            String missing = "chronon.effects.\"" + kind + "\".sink=postgresql, but no PostgreSQL is configured ("
                    + DATASOURCE_URL + ", or QUARKUS_DATASOURCE_REACTIVE_URL)";
            if (LaunchMode.current() == LaunchMode.NORMAL) {
                throw new IllegalStateException(missing + ": configure it, or route '" + kind + "' to the journal"
                        + " explicitly (chronon.effects.\"" + kind + "\".sink=journal)");
            }
            LOG.warnf("%s: in %s mode '%s' effects go to the effect journal in the data directory instead", missing,
                    LaunchMode.current().getDefaultProfile(), kind);
            return null;
        }
        Pool pool = Arc.container().instance(Pool.class).get();
        PostgresSink.createSchema(pool, writer);
        LOG.infof("'%s' effects go to PostgreSQL (%s), exactly once", kind, writer.getClass().getName());
        return new PostgresSink(kind, cluster, pool, writer, counters);
    }
}
