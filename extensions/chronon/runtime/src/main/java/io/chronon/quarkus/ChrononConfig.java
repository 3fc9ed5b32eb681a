package io.chronon.quarkus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.chronon.node.HaltPoint;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How this node runs: its place in the cluster, where its data lives, which application it runs. */
@ConfigMapping(prefix = "chronon")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface ChrononConfig {

    /** This replica's 0-based index in {@code chronon.members}. */
    @WithDefault("0")
    int nodeId();

    /**
     * The {@code host:port} of every replica, in order (1, 3, 5 or 7 of them). This node's port must be
     * its {@code quarkus.http.port}. Without members the node runs as a single-replica cluster.
     */
    Optional<List<String>> members();

    /**
     * Where this node dials each peer when that differs from the peer's address in
     * {@code chronon.members} (a proxy, NAT): {@code id=host:port,…}.
     */
    Optional<List<String>> dialAddresses();

    /** How members are found: {@code static} (from {@code chronon.members}) or {@code statefulset}. */
    @WithDefault("static")
    Discovery discovery();

    /**
     * With {@code discovery=statefulset}: the StatefulSet's replica count ({@code CHRONON_REPLICAS},
     * set by the chart); 1, 3, 5 or 7.
     */
    Optional<Integer> replicas();

    /**
     * With {@code discovery=statefulset}: the headless Service that gives the pods their DNS names
     * ({@code CHRONON_SERVICE}, set by the chart).
     */
    Optional<String> service();

    /**
     * With {@code discovery=statefulset}: the pods' namespace ({@code CHRONON_NAMESPACE}); with it the
     * members are fully qualified names ({@code pod.service.namespace.svc.cluster.local}).
     */
    Optional<String> namespace();

    /**
     * With {@code discovery=statefulset}: this pod's ordinal ({@code CHRONON_POD_INDEX}, from the
     * {@code apps.kubernetes.io/pod-index} label through the downward API). Without it, the ordinal is
     * the suffix of the host name ({@code chronon-2} is replica 2).
     */
    Optional<Integer> podIndex();

    /** Where the log, manifest, snapshots and effect journal live. */
    @WithDefault("chronon-data")
    String dataDir();

    /** The secret peers prove to each other; required outside dev and test with more than one replica. */
    Optional<String> clusterSecret();

    /** Bearer token for the debug and admin endpoints outside dev and test. */
    Optional<String> adminToken();

    /** The name of the {@code ChrApplication} bean to run when the application holds several. */
    Optional<String> application();

    /** The largest command (or query, or batch) body accepted, in bytes. */
    @WithDefault("1048576")
    int maxCommandBytes();

    /** How long a client call waits for its answer before it is told the outcome is unknown (504). */
    @WithDefault("10s")
    Duration commandTimeout();

    /**
     * How long a backup waits without hearing from the primary before it starts a view change; each
     * replica draws its own timeout between this and twice this, and a view change that does not
     * complete in as long moves on to the next view. Shorter fails over faster; longer rides out
     * longer pauses of the primary (a GC pause, a starved CPU) without a needless view change. At
     * least 150 ms (heartbeats go every 50 ms).
     */
    @WithDefault("1s")
    Duration electionTimeout();

    /** Dev mode settings. */
    Dev dev();

    /** Test-only settings; never set them in production. */
    Test test();

    /** The outbox: effects waiting for their sinks. */
    Outbox outbox();

    /**
     * Where each kind of effect goes, by the sink name the application gives it:
     * {@code chronon.effects."statements".sink=postgresql}. Kinds not listed go to an
     * {@code EffectSink} bean of the kind's name, or else to the effect journal.
     */
    Map<String, EffectRoute> effects();

    /** History kept for time travel. */
    History history();

    /** The Kafka sink (the client itself is configured with the standard {@code kafka.*} settings). */
    Kafka kafka();

    /** The log's files. */
    LogFiles log();

    /** The time-travel dashboard. */
    Ui ui();

    /** The time-travel dashboard at {@code /chronon/ui}. */
    interface Ui {
        /** Serve it (its data comes from the admin endpoints, behind the admin token). On in dev and test mode. */
        @WithDefault("false")
        boolean enabled();
    }

    /** The log's files. */
    interface LogFiles {
        /**
         * Size of each preallocated log segment (a multiple of 4096, at least 65536). Compaction
         * removes whole segments, so smaller segments free disk sooner; larger ones mean fewer files.
         * Entries, and so commands, are limited to a quarter of it (at most 1 MiB).
         */
        @WithDefault("67108864")
        long segmentBytes();
    }

    /** When snapshots are taken. */
    Snapshot snapshot();

    /** How members are found. */
    enum Discovery {
        /** From {@code chronon.members}. */
        STATIC,
        /** From the StatefulSet's pod ordinal and DNS names. */
        STATEFULSET
    }

    /** The sink of one kind of effect. */
    interface EffectRoute {
        /**
         * {@code journal} (the built-in journal in the data directory), {@code postgresql} (exactly
         * once through a {@code PostgresEffectWriter} bean), or the {@code name()} of an
         * {@code EffectSink} bean of the application (a broker channel, say).
         */
        String sink();
    }

    /** Dev mode settings. */
    interface Dev {
        /**
         * Replicas to run in this one process, each with its own data directory under
         * {@code chronon.data-dir}, talking through memory: 1, or 3, 5, 7 for a whole cluster to try
         * failover on. Dev and test mode only.
         */
        @WithDefault("1")
        int replicas();
    }

    /** Test-only settings; never set them in production. */
    interface Test {
        /**
         * Halt points at which the process stops at once, as if killed, so that tests can crash it
         * exactly between two durable steps (see {@code io.chronon.node.HaltPoint}). None by default.
         */
        Optional<Set<HaltPoint>> haltPoints();

        /**
         * With {@code AFTER_SINK_COMMIT_BEFORE_ACK}: only deliveries to this sink reach the point
         * (all sinks when unset).
         */
        Optional<String> haltSink();

        /**
         * How long the effects thread waits before each delivery, so that a test can pause or cut off
         * a primary while one of its deliveries is in flight (a zombie in the making). None by default.
         */
        Optional<Duration> effectDelay();

        /**
         * Lets {@code PUT /chronon/test/faults} slow the disk and skew the clock of this running node
         * (the chaos harness's nemeses). Off by default: the endpoint answers 404.
         */
        @WithDefault("false")
        boolean faultControl();

        /** A wait before every durability point (fsync) of the log, as a slow or failing device would add. */
        Optional<Duration> diskBarrierDelay();

        /** An offset added to this node's wall clock, which stamps consensus time while it is primary. */
        Optional<Duration> clockOffset();
    }

    /** The outbox: effects waiting for their sinks. */
    interface Outbox {
        /** Failed deliveries of an effect before it becomes {@code FAILED} (an operator may retry it). */
        @WithDefault("10")
        int maxAttempts();

        /**
         * How long one delivery may take before it counts as failed (and is tried again): a sink that
         * hangs, such as a database behind a dead network, must not hold its effects forever.
         */
        @WithDefault("30s")
        Duration deliveryTimeout();
    }

    /** The Kafka sink. */
    interface Kafka {
        /**
         * The compacted topic where the Kafka sink keeps each cluster's outbox position per effect kind,
         * written in the same transaction as the effect's records (created if missing).
         */
        @WithDefault("chronon-outbox-positions")
        String positionTopic();
    }

    /** History kept for time travel. */
    interface History {
        /** Entries of history kept below the newest snapshot when the log is compacted (for time travel). */
        @WithDefault("100000")
        long retainEntries();

        /**
         * Applied entries between two in-memory checkpoints of the history: the most entries a time
         * travel query replays (smaller: faster queries, more memory).
         */
        @WithDefault("1024")
        int checkpointEvery();

        /** The most in-memory checkpoints kept; the oldest go first. */
        @WithDefault("4096")
        int checkpointsKept();
    }

    /** When snapshots are taken. */
    interface Snapshot {
        /** A snapshot is taken after this many entries ... */
        @WithDefault("100000")
        long everyEntries();

        /** ... or after this many bytes of commands, whichever comes first. */
        @WithDefault("268435456")
        long everyBytes();
    }
}
