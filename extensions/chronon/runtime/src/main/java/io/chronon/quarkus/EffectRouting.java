package io.chronon.quarkus;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.inject.Instance;

import io.chronon.kernel.EffectSink;
import io.chronon.quarkus.sink.KafkaEffectWriter;
import io.chronon.quarkus.sink.KafkaSink;
import io.chronon.quarkus.sink.PostgresEffectWriter;
import io.chronon.quarkus.sink.PostgresSink;
import io.chronon.quarkus.sink.SinkCounters;
import io.chronon.quarkus.sink.ViewConfirmation;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.LaunchMode;
import io.vertx.mutiny.sqlclient.Pool;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Which sink takes each kind of effect: the routes of {@code chronon.effects} (the journal,
 * PostgreSQL, Kafka, or an {@code EffectSink} bean named by the route), then the application's own
 * {@code EffectSink} beans whose name is the kind; whatever is left goes to the effect journal (the
 * caller's fallback). A route to PostgreSQL or Kafka that is not configured falls back to the journal
 * in dev and test mode, saying so, and stops the start in production.
 */
final class EffectRouting {
    private static final Logger LOG = Logger.getLogger(EffectRouting.class);
    private static final String DATASOURCE_URL = "quarkus.datasource.reactive.url";
    private static final String KAFKA_PREFIX = "kafka.";
    private static final String KAFKA_SERVERS = "kafka.bootstrap.servers";
    static final String JOURNAL = "journal";
    static final String POSTGRESQL = "postgresql";
    static final String KAFKA = "kafka";

    /** What the routes may use: the application's beans, and the node's parts a sink needs. */
    record Wiring(Instance<EffectSink> userSinks, Instance<PostgresEffectWriter> postgresWriters,
                  Instance<KafkaEffectWriter> kafkaWriters, UUID cluster, SinkCounters counters,
                  ViewConfirmation confirmation) {}

    private EffectRouting() {}

    /**
     * The routes as they were set up: the sink of each kind that does not go to the journal, and the
     * name of where each kind goes ({@code journal}, {@code postgresql}, {@code kafka}, or an
     * {@code EffectSink} bean's name), which the outbox API shows.
     */
    record Routing(Map<String, EffectSink> sinks, Map<String, String> targets) {
        /** Where {@code kind}'s effects go; a kind without a route or a bean of its name goes to the journal. */
        String target(String kind) {
            return targets.getOrDefault(kind, JOURNAL);
        }
    }

    static Routing sinks(ChrononConfig config, Wiring wiring) {
        Map<String, EffectSink> beans = new HashMap<>();
        for (EffectSink sink : wiring.userSinks()) {
            EffectSink previous = beans.put(sink.name(), sink);
            if (previous != null) {
                throw new IllegalStateException("two effect sinks are named '" + sink.name() + "'");
            }
        }
        Map<String, EffectSink> sinks = new HashMap<>(beans);
        Map<String, String> targets = new HashMap<>();
        beans.keySet().forEach(name -> targets.put(name, name));
        for (Map.Entry<String, ChrononConfig.EffectRoute> route : config.effects().entrySet()) {
            String kind = route.getKey();
            String target = route.getValue().sink().trim();
            EffectSink sink = switch (target) {
                case JOURNAL -> null;
                case POSTGRESQL -> postgres(kind, wiring);
                case KAFKA -> kafka(kind, config, wiring);
                default -> {
                    EffectSink bean = beans.get(target);
                    if (bean == null) {
                        throw new IllegalStateException("chronon.effects.\"" + kind + "\".sink=" + target + ", but that is"
                                + " neither journal, postgresql nor kafka, nor the name of an EffectSink bean (there are: "
                                + new TreeSet<>(beans.keySet()) + ")");
                    }
                    yield bean;
                }
            };
            if (sink == null) {
                // The journal: asked for, or the fallback of an unconfigured PostgreSQL or Kafka route.
                sinks.remove(kind);
                targets.put(kind, JOURNAL);
            } else {
                sinks.put(kind, sink);
                targets.put(kind, target);
            }
        }
        return new Routing(Map.copyOf(sinks), Map.copyOf(targets));
    }

    private static EffectSink postgres(String kind, Wiring wiring) {
        PostgresEffectWriter writer = writer(kind, POSTGRESQL, wiring.postgresWriters(), PostgresEffectWriter::effect);
        if (!configured(kind, POSTGRESQL, "PostgreSQL", DATASOURCE_URL, "QUARKUS_DATASOURCE_REACTIVE_URL")) {
            return null;
        }
        Pool pool = Arc.container().instance(Pool.class).get();
        PostgresSink.createSchema(pool, writer);
        LOG.infof("'%s' effects go to PostgreSQL (%s), exactly once", kind, writer.getClass().getName());
        return new PostgresSink(kind, wiring.cluster(), pool, writer, wiring.counters());
    }

    private static EffectSink kafka(String kind, ChrononConfig config, Wiring wiring) {
        KafkaEffectWriter writer = writer(kind, KAFKA, wiring.kafkaWriters(), KafkaEffectWriter::effect);
        if (!configured(kind, KAFKA, "Kafka", KAFKA_SERVERS, "KAFKA_BOOTSTRAP_SERVERS")) {
            return null;
        }
        KafkaSink sink = new KafkaSink(kind, wiring.cluster(), kafkaClientConfig(), config.kafka().positionTopic(),
                writer, wiring.confirmation(), wiring.counters());
        LOG.infof("'%s' effects go to Kafka (%s), exactly once for read-committed consumers; transactional id %s",
                kind, writer.getClass().getName(), sink.transactionalId());
        return sink;
    }

    /**
     * The Kafka client settings: every {@code kafka.*} property without its prefix (as Quarkus's own
     * Kafka support reads them), {@code kafka.bootstrap.servers} also from {@code KAFKA_BOOTSTRAP_SERVERS}.
     */
    private static Map<String, Object> kafkaClientConfig() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> client = new HashMap<>();
        for (String property : config.getPropertyNames()) {
            if (property.startsWith(KAFKA_PREFIX)) {
                config.getOptionalValue(property, String.class)
                        .ifPresent(value -> client.put(property.substring(KAFKA_PREFIX.length()), value));
            }
        }
        client.put("bootstrap.servers", config.getValue(KAFKA_SERVERS, String.class));
        return client;
    }

    /** The one writer bean of {@code kind} for a sink; none or two stop the start. */
    private static <W> W writer(String kind, String target, Instance<W> writers, Function<W, String> effectOf) {
        W writer = null;
        for (W candidate : writers) {
            if (effectOf.apply(candidate).equals(kind)) {
                if (writer != null) {
                    throw new IllegalStateException("two writer beans handle '" + kind + "' effects for " + target + ": "
                            + writer.getClass().getName() + " and " + candidate.getClass().getName());
                }
                writer = candidate;
            }
        }
        if (writer == null) {
            String needed = target.equals(KAFKA) ? "KafkaEffectWriter" : "PostgresEffectWriter";
            throw new IllegalStateException("chronon.effects.\"" + kind + "\".sink=" + target + ", but no " + needed
                    + " bean handles '" + kind + "' effects: implement one (see docs/side-effects.md)");
        }
        return writer;
    }

    /**
     * Whether the system a route names is configured. If not: in dev and test mode the kind goes to
     * the effect journal, saying so; in production the start stops, since silently losing
     * exactly-once would be worse than not starting.
     */
    private static boolean configured(String kind, String target, String system, String setting, String environment) {
        if (ConfigProvider.getConfig().getOptionalValue(setting, String.class).isPresent()) {
            return true;
        }
        String missing = "chronon.effects.\"" + kind + "\".sink=" + target + ", but no " + system + " is configured ("
                + setting + ", or " + environment + ")";
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            throw new IllegalStateException(missing + ": configure it, or route '" + kind + "' to the journal"
                    + " explicitly (chronon.effects.\"" + kind + "\".sink=journal)");
        }
        LOG.warnf("%s: in %s mode '%s' effects go to the effect journal in the data directory instead", missing,
                LaunchMode.current().getDefaultProfile(), kind);
        return false;
    }
}
