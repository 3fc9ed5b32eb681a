package io.chronon.quarkus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.Entry;
import io.chronon.engine.FileDisk;
import io.chronon.engine.Hash;
import io.chronon.engine.LogOptions;
import io.chronon.engine.Manifest;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;
import io.chronon.kernel.Outbox;
import io.chronon.node.ClusterBootstrap;
import io.chronon.node.EffectOptions;
import io.chronon.node.NodeOutput;
import io.chronon.node.NodeStartup;
import io.chronon.node.NodeStorage;
import io.chronon.node.SnapshotOptions;
import io.chronon.quarkus.peer.DirectoryProbe;
import io.chronon.quarkus.peer.PeerCounters;
import io.chronon.quarkus.peer.PeerDigests;
import io.chronon.quarkus.peer.PeerGate;
import io.chronon.quarkus.peer.PeerHost;
import io.chronon.quarkus.peer.PeerLinks;
import io.chronon.quarkus.peer.PeerSecret;
import io.chronon.quarkus.sink.KafkaEffectWriter;
import io.chronon.quarkus.sink.KafkaSink;
import io.chronon.quarkus.sink.PostgresEffectWriter;
import io.chronon.quarkus.sink.SinkCounters;
import io.chronon.vsr.Message;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;
import io.chronon.vsr.ReplicaConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Chronon node of this process: on start it picks the application, recovers from
 * {@code chronon.data-dir} and starts driving the replica. Inject it to submit commands, run
 * queries or read the node's status.
 */
@Singleton
public class ChrononNode {
    private static final Logger LOG = Logger.getLogger(ChrononNode.class);
    /** Client sessions kept in the replicated table; the idlest is evicted beyond this. */
    private static final int SESSION_CAPACITY = 10_000;
    private static final long BOOTSTRAP_RETRY_MILLIS = 500;

    private final ChrononConfig config;
    private final ApplicationCandidates candidates;
    private final Instance<EffectSink> userSinks;
    private final Instance<PostgresEffectWriter> writers;
    private final Instance<KafkaEffectWriter> kafkaWriters;
    private final SinkCounters sinkCounters;
    private final int httpPort;
    private final NodeMetrics metrics;
    private final PeerGate gate;
    private final CommittedEntries committed;
    private final FaultInjection faults;
    private final Tracer tracer;
    private final PeerCounters peerCounters;
    private final PeerSecret secret;

    private String applicationName;
    private ApplicationJson json;
    private ClusterMembers members;
    /** Whether this process runs every replica of an in-process dev cluster. */
    private boolean inProcess;
    private List<String> dialAddresses = List.of();
    private volatile UUID clusterId;
    private volatile boolean running;
    /** The thread of an empty replica deciding how to join its cluster, while it runs. */
    private Thread bootstrap;
    /** Why the replica could not start after its bootstrap, or null. */
    private volatile Throwable startFailure;
    /** The replicas this process runs: one, or all of an in-process dev cluster. */
    private volatile List<LocalReplica> replicas = List.of();
    /** The running driver of each local replica by id, for in-process delivery (null while stopped). */
    private volatile NodeDriver[] drivers = new NodeDriver[0];
    private final LongOperations operations = new LongOperations();
    /** Where each kind of effect goes, as the last replica started here set it up (the same for all). */
    private volatile EffectRouting.Routing routing;
    /** {@code chronon.election-timeout} in ticks, checked when the node starts. */
    private int electionTimeoutTicks;
    private ChrApplication<?, ?, ?, ?> application;
    private String className;

    /**
     * A replica run by this process, with its effect journal, its recorded outcomes and, in a
     * multi-process cluster, its links to the peers (null otherwise).
     */
    private record LocalReplica(int id, NodeDriver driver, Collection<EffectSink> sinks,
                                AcknowledgedEffects acknowledged, HistoryIndex history, EffectJournal journal,
                                OutcomeJournal outcomes,
                                ReplayCheck replayCheck, PeerLinks links) {}

    @Inject
    ChrononNode(ChrononConfig config, ApplicationCandidates candidates, @Any Instance<EffectSink> userSinks,
                @Any Instance<PostgresEffectWriter> writers, @Any Instance<KafkaEffectWriter> kafkaWriters,
                @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
                @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081") int testPort,
                MeterRegistry registry, PeerGate gate, CommittedEntries committed, Tracer tracer,
                FaultInjection faults) {
        this.committed = committed;
        this.faults = faults;
        this.tracer = tracer;
        this.writers = writers;
        this.kafkaWriters = kafkaWriters;
        this.sinkCounters = new SinkCounters(registry);
        this.metrics = new NodeMetrics(registry);
        this.gate = gate;
        this.peerCounters = new PeerCounters(registry);
        this.secret = new PeerSecret(config.clusterSecret().orElse(null));
        this.config = config;
        this.candidates = candidates;
        this.userSinks = userSinks;
        // Tests serve on the test port: that is the one the members list must name.
        this.httpPort = LaunchMode.current() == LaunchMode.TEST ? testPort : httpPort;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        className = candidates.select(config.application());
        applicationName = candidates.classesByName().entrySet().stream()
                .filter(candidate -> candidate.getValue().equals(className)).findFirst().orElseThrow().getKey();
        application = (ChrApplication<?, ?, ?, ?>) Arc.container().instance(loadClass(className)).get();
        json = new ApplicationJson(application);
        electionTimeoutTicks = electionTicks(config.electionTimeout());
        int devReplicas = config.dev().replicas();
        inProcess = devReplicas > 1;
        startFailure = null;
        clusterId = null;
        if (inProcess) {
            members = ClusterMembers.inProcess(devReplicas, LaunchMode.current());
        } else {
            members = ClusterMembers.from(config, httpPort);
            dialAddresses = members.dialAddresses(config.dialAddresses());
            if (members.size() > 1 && config.clusterSecret().isEmpty() && LaunchMode.current() == LaunchMode.NORMAL) {
                throw new IllegalStateException("chronon.cluster-secret is not set: a cluster of " + members.size()
                        + " replicas needs a shared secret so that only its replicas can join it (set"
                        + " CHRONON_CLUSTER_SECRET to the same long random string on every replica)");
            }
            MembershipRecord.check(directoryOf(members.self()), members, config.discovery());
        }
        drivers = new NodeDriver[members.size()];
        running = true;
        if (!inProcess && members.size() > 1 && !Files.exists(directoryOf(members.self()).resolve(Manifest.FILE))) {
            gate.open(new BootstrappingHost(), secret, peerCounters);
            bootstrap = Thread.ofPlatform().name("chronon-bootstrap").daemon().start(this::bootstrap);
            return;
        }
        List<LocalReplica> started = new ArrayList<>();
        try {
            for (int id : localIds()) {
                started.add(startReplica(id, UUID::randomUUID, false));
                drivers[id] = started.getLast().driver();
            }
        } catch (RuntimeException e) {
            started.forEach(replica -> close(replica));
            throw e;
        }
        replicas = List.copyOf(started);
        if (members.size() == 1) {
            awaitNormal(started.getFirst().driver());
        }
    }

    private List<Integer> localIds() {
        if (!inProcess) {
            return List.of(members.self());
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < members.size(); id++) {
            ids.add(id);
        }
        return ids;
    }

    /**
     * An empty replica of a multi-process cluster asks its peers what they hold until it knows
     * whether to found the cluster, join it as a founding member, or join it recovering
     * ({@link ClusterBootstrap}); meanwhile it answers their questions and the API says it is joining.
     */
    private void bootstrap() {
        int self = members.self();
        DirectoryProbe probe = new DirectoryProbe(self, secret, peerCounters);
        String lastReason = null;
        while (running) {
            Map<Integer, ClusterBootstrap.PeerDirectory> answers = new HashMap<>();
            for (int peer = 0; peer < members.size(); peer++) {
                if (peer != self) {
                    int asked = peer;
                    probe.ask(peer, dialAddresses.get(peer)).ifPresent(answer -> answers.put(asked, answer));
                }
            }
            ClusterBootstrap.Decision decision = ClusterBootstrap.decide(self, members.size(), answers);
            switch (decision) {
                case ClusterBootstrap.Decision.Wait wait -> {
                    if (!wait.reason().equals(lastReason)) {
                        LOG.infof("replica %d has an empty data directory and waits before joining: %s", self,
                                wait.reason());
                        lastReason = wait.reason();
                    }
                    try {
                        Thread.sleep(BOOTSTRAP_RETRY_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                case ClusterBootstrap.Decision.Conflict conflict -> {
                    startFailure = new IllegalStateException(conflict.reason());
                    LOG.error("replica " + self + " cannot join a cluster: " + conflict.reason());
                    return;
                }
                case ClusterBootstrap.Decision.Found found -> {
                    LOG.infof("every replica is empty: replica %d founds a new cluster", self);
                    startBootstrapped(UUID.randomUUID(), false);
                    return;
                }
                case ClusterBootstrap.Decision.Join join -> {
                    LOG.infof(join.recovering() ? "replica %d joins cluster %s recovering: its peers hold history it"
                            + " may once have acknowledged" : "replica %d joins the new cluster %s", self,
                            join.clusterId());
                    startBootstrapped(join.clusterId(), join.recovering());
                    return;
                }
            }
        }
    }

    private synchronized void startBootstrapped(UUID cluster, boolean recovering) {
        if (!running) {
            return;
        }
        try {
            LocalReplica started = startReplica(members.self(), () -> cluster, recovering);
            drivers[members.self()] = started.driver();
            replicas = List.of(started);
        } catch (RuntimeException e) {
            startFailure = e;
            LOG.error("replica " + members.self() + " failed to start", e);
        }
    }

    /**
     * A replica alone needs nobody to start its view: wait the few ticks that takes, so that the
     * first request after start-up is served rather than told to retry.
     */
    private static void awaitNormal(NodeDriver driver) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (driver.state().status() != Replica.Status.NORMAL && driver.crash() == null
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (driver.state().status() != Replica.Status.NORMAL) {
            LOG.warnf("the replica is not serving yet (%s); requests are answered 503 until it is",
                    driver.state().status());
        }
    }

    private Path directoryOf(int id) {
        Path base = Path.of(config.dataDir()).toAbsolutePath();
        return inProcess ? base.resolve("node-" + id) : base;
    }

    /**
     * @param newCluster where the cluster id comes from if the directory is empty
     * @param joining    an empty directory joins an existing cluster, recovering
     */
    private LocalReplica startReplica(int id, Supplier<UUID> newCluster, boolean joining) {
        Path directory = directoryOf(id);
        UUID expectedCluster = clusterId;
        DataDirectory data = DataDirectory.open(faults.disk(FileDisk.open(directory, false)),
                logOptions(config).preparingSegmentsOn(segmentPreparer(id)),
                expectedCluster == null ? newCluster : () -> expectedCluster, UUID::randomUUID, joining);
        UUID cluster = data.manifest().state().clusterId();
        if (expectedCluster != null && !expectedCluster.equals(cluster)) {
            data.close();
            throw new IllegalStateException("the data directory " + directory + " belongs to cluster " + cluster
                    + ", not to " + expectedCluster + " like the other replicas of this process: remove "
                    + directory.getParent() + " to start the dev cluster afresh");
        }
        clusterId = cluster;
        if (!inProcess) {
            MembershipRecord.record(directory, members);
        }
        SnapshotOptions snapshots = new SnapshotOptions(config.snapshot().everyEntries(), config.snapshot().everyBytes(),
                config.history().retainEntries(), SnapshotOptions.DEFAULTS.digestsPerCheckpoint());
        AtomicReference<NodeDriver> deliverer = new AtomicReference<>();
        EffectRouting.Routing routes = EffectRouting.sinks(config, new EffectRouting.Wiring(userSinks, writers,
                kafkaWriters, clusterId, sinkCounters, view -> deliverer.get().confirmView(view)));
        routing = routes;
        Map<String, EffectSink> sinks = routes.sinks();
        EffectOptions effects = new EffectOptions(config.outbox().maxAttempts(), EffectOptions.DEFAULTS.backoffTicks(),
                EffectOptions.DEFAULTS.maxBackoffTicks(), unordered(sinks));
        ReplicaConfig replica = ReplicaConfig.defaults(clusterId, members.size(), id)
                .withElectionTicks(electionTimeoutTicks);
        long seed = new SecureRandom().nextLong();
        OutcomeJournal outcomes = OutcomeJournal.open(directory);
        ReplayCheck replayCheck = new ReplayCheck(outcomes, json);
        AcknowledgedEffects acknowledged = new AcknowledgedEffects(AcknowledgedEffects.KEPT);
        Consumer<Executor.Result> applied = result -> {
            replayCheck.applied(result);
            acknowledged.applied(result);
            committed.applied(result, json);
        };
        NodeStartup.Started started = NodeStartup.start(data, new Executor<>(application, SESSION_CAPACITY, clusterId),
                replica, effects, snapshots, faults.clock(NodeDriver::wallClockNanos), seed, UUID::randomUUID, applied);
        started.notes().forEach(note -> LOG.infof("replica %d start-up: %s", id, note));
        EffectJournal journal = EffectJournal.open(directory);
        Halts halts = new Halts(config.test().haltPoints().orElse(Set.of()));
        NodeStorage storage = new NodeStorage(data, application, snapshots, UUID::randomUUID, halts);
        PeerLinks peerLinks = null;
        PeerNetwork network;
        if (members.size() == 1) {
            network = PeerNetwork.NONE;
        } else if (inProcess) {
            network = (to, message) -> {
                NodeDriver peer = drivers[to];
                // A stopped replica gets nothing, as a dead process would not. The rest travels in the
                // wire format, as it would between processes.
                if (peer != null) {
                    peer.deliver(PeerGate.WIRE.decode(PeerGate.WIRE.encode(message)));
                }
            };
        } else {
            peerLinks = new PeerLinks(id, dialAddresses, clusterId, secret, peerCounters);
            network = peerLinks::send;
        }
        HistoryIndex history = new HistoryIndex(application, clusterId, SESSION_CAPACITY, data.log(),
                config.history().checkpointEvery(), config.history().checkpointsKept(),
                () -> deliverer.get() == null ? -1 : deliverer.get().state().appliedIndex(),
                snapshotsOf(data, application));
        NodeDriver driver = new NodeDriver(started.node(), storage,
                name -> sinks.getOrDefault(name, journal.sink(name)), halts, metrics, network, applied, tracer,
                new NodeDriver.EffectDelivery(config.outbox().deliveryTimeout(),
                        config.test().effectDelay().orElse(Duration.ZERO), config.test().haltSink()), history);
        deliverer.set(driver);
        warmUp(id, history);
        LocalReplica local = new LocalReplica(id, driver, sinks.values(), acknowledged, history, journal, outcomes,
                replayCheck, peerLinks);
        if (!inProcess && members.size() > 1) {
            gate.open(new ReplicaHost(local), secret, peerCounters);
        }
        LOG.infof("Chronon replica %d of %d, cluster %s, runs application '%s' (%s) from %s: state recovered"
                        + " through index %d%s, log through %d", id, members.size(), clusterId, applicationName,
                className, directory, started.node().executor().appliedIndex(),
                started.snapshot() == null ? "" : " (snapshot " + started.snapshot().index() + ")",
                started.node().replica().op());
        return local;
    }

    /** What the peer service sees of this process while its empty replica decides how to join. */
    private final class BootstrappingHost implements PeerHost {
        @Override
        public int self() {
            return members.self();
        }

        @Override
        public int members() {
            return members.size();
        }

        @Override
        public UUID clusterId() {
            return null;
        }

        @Override
        public ClusterBootstrap.PeerDirectory directory() {
            return new ClusterBootstrap.PeerDirectory.Empty();
        }

        @Override
        public void deliver(Message message) {
            // Connections are refused until the replica runs: nothing is delivered here.
        }

        @Override
        public byte[][] digests(long[] indices) {
            throw new IllegalStateException("this replica is still joining its cluster");
        }
    }

    /** What the peer service sees of this process's running replica. */
    private final class ReplicaHost implements PeerHost {
        private final LocalReplica replica;

        ReplicaHost(LocalReplica replica) {
            this.replica = replica;
        }

        @Override
        public int self() {
            return replica.id();
        }

        @Override
        public int members() {
            return members.size();
        }

        @Override
        public UUID clusterId() {
            return clusterId;
        }

        @Override
        public ClusterBootstrap.PeerDirectory directory() {
            // No entry and no commit: nothing can have been acknowledged anywhere through this replica,
            // whatever views it went through while its peers were still starting.
            NodeDriver.NodeState state = replica.driver().state();
            boolean genesis = state.status() != Replica.Status.RECOVERING && state.op() < 0 && state.commitIndex() < 0;
            return new ClusterBootstrap.PeerDirectory.Member(clusterId, genesis);
        }

        @Override
        public void deliver(Message message) {
            replica.driver().deliver(message);
        }

        @Override
        public byte[][] digests(long[] indices) {
            return bytesOf(digestsOf(replica, indices));
        }
    }

    /** A local replica's digests after each index; why not, if it cannot rebuild them. */
    private static Hash[] digestsOf(LocalReplica replica, long[] indices) {
        try {
            return replica.history().digests(indices);
        } catch (HistoryIndex.Unavailable unavailable) {
            throw new IllegalStateException(unavailable.getMessage(), unavailable);
        }
    }

    private static byte[][] bytesOf(Hash[] digests) {
        byte[][] bytes = new byte[digests.length][];
        for (int i = 0; i < digests.length; i++) {
            bytes[i] = digests[i].toByteArray();
        }
        return bytes;
    }

    /** One peer's verdict in {@code GET /chronon/verify}: its digests agree, differ (from an index on), or are unknown. */
    public record PeerVerdict(int replica, String address, String status, Long firstDifference, String reason) {}

    /**
     * Asks every other replica for its digests after {@code indices} and compares them with
     * {@code local} (this replica's, serving the API): an unreachable replica, or one that cannot
     * rebuild that history, is {@code unknown}, never counted as agreeing.
     */
    public List<PeerVerdict> verifyPeers(long[] indices, Hash[] local) {
        LocalReplica serving = servingReplica();
        List<PeerVerdict> verdicts = new ArrayList<>();
        for (int peer = 0; peer < members.size(); peer++) {
            if (peer == serving.id()) {
                continue;
            }
            String address = members.addresses().get(peer);
            byte[][] theirs;
            try {
                theirs = inProcess ? inProcessDigests(peer, indices) : remoteDigests(peer, indices);
            } catch (IllegalStateException unknown) {
                verdicts.add(new PeerVerdict(peer, address, "unknown", null, unknown.getMessage()));
                continue;
            }
            Long differs = null;
            for (int i = 0; i < indices.length && differs == null; i++) {
                if (!Arrays.equals(theirs[i], local[i].toByteArray())) {
                    differs = indices[i];
                }
            }
            verdicts.add(new PeerVerdict(peer, address, differs == null ? "agrees" : "differs", differs,
                    differs == null ? null : "its digest after entry " + differs + " differs from this replica's"));
        }
        return verdicts;
    }

    private byte[][] inProcessDigests(int peer, long[] indices) {
        for (LocalReplica replica : replicas) {
            if (replica.id() == peer && replica.driver().crash() == null) {
                return bytesOf(digestsOf(replica, indices));
            }
        }
        throw new IllegalStateException("replica " + peer + " is stopped");
    }

    private byte[][] remoteDigests(int peer, long[] indices) {
        return switch (new PeerDigests(members.self(), secret).ask(peer, dialAddresses.get(peer), indices)) {
            case PeerDigests.Answer.Digests digests -> digests.digests();
            case PeerDigests.Answer.Unknown unknown -> throw new IllegalStateException(unknown.reason());
        };
    }

    synchronized void stop() {
        running = false;
        gate.close();
        Thread bootstrapping = bootstrap;
        if (bootstrapping != null) {
            bootstrapping.interrupt();
            bootstrap = null;
        }
        replicas.forEach(ChrononNode::close);
        replicas = List.of();
        drivers = new NodeDriver[0];
    }

    /**
     * Stops one replica of an in-process dev cluster, as if its process died: its threads stop and
     * its files are closed; its peers go on without it.
     */
    public synchronized void stopReplica(int id) {
        LocalReplica replica = local(id);
        List<LocalReplica> others = new ArrayList<>(replicas);
        others.remove(replica);
        drivers[id] = null;
        replicas = List.copyOf(others);
        close(replica);
        LOG.infof("replica %d stopped", id);
    }

    /** Starts a stopped replica of an in-process dev cluster: it recovers from its data directory. */
    public synchronized void restartReplica(int id) {
        if (!inProcess || id < 0 || id >= members.size()) {
            throw new IllegalStateException("replica " + id + " is not a replica of an in-process dev cluster");
        }
        if (replicas.stream().anyMatch(replica -> replica.id() == id)) {
            throw new IllegalStateException("replica " + id + " runs already");
        }
        LocalReplica started = startReplica(id, UUID::randomUUID, false);
        List<LocalReplica> all = new ArrayList<>(replicas);
        all.add(started);
        all.sort(Comparator.comparingInt(LocalReplica::id));
        replicas = List.copyOf(all);
        drivers[id] = started.driver();
    }

    private LocalReplica local(int id) {
        if (!inProcess) {
            throw new IllegalStateException("only the replicas of an in-process dev cluster can be stopped and started");
        }
        return replicas.stream().filter(replica -> replica.id() == id).findFirst()
                .orElseThrow(() -> new IllegalStateException("replica " + id + " is not running"));
    }

    /** The status of every replica this process runs (all of an in-process dev cluster). */
    public List<NodeStatus> localStatuses() {
        List<NodeStatus> statuses = new ArrayList<>();
        for (LocalReplica replica : replicas) {
            statuses.add(status(replica));
        }
        return statuses;
    }

    private static void close(LocalReplica replica) {
        if (replica.links() != null) {
            replica.links().close();
        }
        replica.driver().close();
        for (EffectSink sink : replica.sinks()) {
            // Sinks the node made (Kafka's producer); the application's beans are the container's.
            if (sink instanceof KafkaSink owned) {
                owned.close();
            }
        }
        replica.journal().close();
        replica.outcomes().close();
    }

    private static Class<?> loadClass(String className) {
        try {
            return Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the ChrApplication class " + className + " is not on the class path", e);
        }
    }

    /**
     * The log's layout from {@code chronon.log.segment-bytes}: batches of at most a quarter of a
     * segment (8 MiB at most), entries of at most a batch (1 MiB at most), which must hold the largest
     * command accepted.
     */
    /**
     * Zero-fills the replica's next log segment ahead of time. Its one thread ends after a minute
     * idle (a segment fills in seconds under load, in hours when idle), so a stopped replica leaves
     * no thread behind.
     */
    private static java.util.concurrent.Executor segmentPreparer(int id) {
        ThreadPoolExecutor preparer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("chronon-segments-" + id).daemon().factory());
        preparer.allowCoreThreadTimeOut(true);
        return preparer;
    }

    static LogOptions logOptions(ChrononConfig config) {
        long segment = config.log().segmentBytes();
        if (segment < 65_536 || segment % LogOptions.BLOCK_BYTES != 0) {
            throw new IllegalStateException("chronon.log.segment-bytes=" + segment + ": a segment is a multiple of "
                    + LogOptions.BLOCK_BYTES + " bytes, at least 65536");
        }
        int batch = (int) Math.min(LogOptions.DEFAULTS.maxBatchBytes(), segment / 4);
        int payload = Math.min(LogOptions.DEFAULTS.maxPayloadBytes(), batch - Entry.HEADER_BYTES);
        if (config.maxCommandBytes() > payload) {
            throw new IllegalStateException("chronon.max-command-bytes=" + config.maxCommandBytes() + " does not fit"
                    + " the log's entries of at most " + payload + " bytes with chronon.log.segment-bytes=" + segment
                    + ": lower chronon.max-command-bytes to " + payload + " or use larger segments");
        }
        return new LogOptions(segment, batch, payload);
    }

    /** The snapshots of a data directory, for time travel. */
    private static HistoryIndex.Snapshots snapshotsOf(DataDirectory data, ChrApplication<?, ?, ?, ?> application) {
        return new HistoryIndex.Snapshots() {
            @Override
            public long oldest() {
                List<Long> indices = data.snapshots().indices();
                return indices.isEmpty() ? -1 : indices.getFirst();
            }

            @Override
            public Executor.Checkpoint read(long index) {
                return KernelSnapshot.read(new ByteArrayInputStream(data.snapshots().read(index).body()), application);
            }
        };
    }

    /**
     * Indexes the retained history below the state the replica started from, on a thread of its own
     * (the node serves meanwhile; time travel to those indices is slower until it is done).
     */
    private void warmUp(int id, HistoryIndex history) {
        Thread.ofPlatform().daemon().name("chronon-history-" + id).start(() -> {
            LongOperations.Operation operation = operations.begin("history indexing", "replica " + id);
            try {
                history.warmUp(operation);
                operation.done("every retained index is available for time travel");
            } catch (RuntimeException e) {
                // Compaction may remove the snapshot or the entries meanwhile: time travel then starts later.
                operation.failed(e);
                LOG.warnf("replica %d: the history below its starting state is not indexed for time travel: %s", id,
                        e.toString());
            }
        });
    }

    /** The effect kinds whose sink takes its effects in any order, all at once. */
    private static Set<String> unordered(Map<String, EffectSink> sinks) {
        Set<String> unordered = new HashSet<>();
        sinks.forEach((kind, sink) -> {
            if (!sink.ordered()) {
                unordered.add(kind);
            }
        });
        return unordered;
    }

    // ---------------------------------------------------------------- what the API uses

    public ApplicationJson json() {
        return json;
    }

    public CompletableFuture<NodeOutput.Answer> command(UUID client, long requestNumber, byte[] command) {
        return serving().command(client, requestNumber, command);
    }

    public CompletableFuture<NodeOutput.ReadAnswer> query(byte[] query, ReadConsistency consistency) {
        return serving().query(query, consistency);
    }

    public CompletableFuture<NodeOutput.ReadAnswer> queryLocal(byte[] query) {
        return serving().queryLocal(query);
    }

    public CompletableFuture<List<Outbox.Pending>> outbox() {
        return serving().outbox();
    }

    /**
     * Re-executes entries {@code from} to {@code to} with the code running now and compares them with
     * the history recorded when they were first applied (see {@link HistoryReplay}); logs progress.
     */
    public HistoryReplay.Report replay(long from, long to) {
        LocalReplica replica = servingReplica();
        LongOperations.Operation operation = operations.begin("replay",
                "entries " + from + "–" + to + " on replica " + replica.id());
        try {
            HistoryReplay.Report report = HistoryReplay.replay(replica.history(), replica.outcomes(), json, from, to,
                    operation);
            operation.done("replayed " + report.replayed() + " entries, " + (report.divergence() == null
                    ? "no divergence" : "diverged at index " + report.divergence().index()));
            return report;
        } catch (RuntimeException e) {
            operation.failed(e);
            throw e;
        }
    }

    /** Writes a history bundle of entries {@code from} to {@code to} (see {@link HistoryBundle}); reports progress. */
    public void export(OutputStream out, long from, long to) throws IOException {
        LocalReplica replica = servingReplica();
        LongOperations.Operation operation = operations.begin("export",
                "entries " + from + "–" + to + " of replica " + replica.id());
        try {
            replica.history().export(out, applicationName, applicationVersion(), from, to, operation);
            operation.done("exported " + (to - from + 1) + " entries");
        } catch (IOException | RuntimeException e) {
            operation.failed(e);
            throw e;
        }
    }

    /** Replays a history bundle with the application code running here (see {@link HistoryBundle}). */
    public HistoryBundle.Replay replayBundle(byte[] bundle) throws IOException {
        LongOperations.Operation operation = operations.begin("bundle replay", bundle.length + " bytes");
        try {
            HistoryBundle.Replay replay = HistoryBundle.replay(bundle, application, SESSION_CAPACITY, operation);
            operation.done("replayed " + replay.replayed() + " entries, " + (replay.problem() != null ? replay.problem()
                    : replay.firstDivergence() == null ? "every digest matches"
                    : "diverged at index " + replay.firstDivergence()));
            return replay;
        } catch (IOException | RuntimeException e) {
            operation.failed(e);
            throw e;
        }
    }

    /** The election timeout in the replica's ticks ({@link NodeDriver#TICK_MILLIS}), refused out of range. */
    static int electionTicks(Duration timeout) {
        if (timeout.toMillis() < 150 || timeout.toMillis() > 60_000) {
            throw new IllegalArgumentException("chronon.election-timeout=" + timeout.toMillis() + "ms: it must be"
                    + " between 150ms (three heartbeats of 50 ms) and 60s");
        }
        return (int) (timeout.toMillis() / NodeDriver.TICK_MILLIS);
    }

    /** The version of the application this node runs ({@code quarkus.application.version}), or null. */
    public String applicationVersion() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class).orElse(null);
    }

    /** The snapshot schema version of the application code running here. */
    public int snapshotSchemaVersion() {
        return application.snapshotSchemaVersion();
    }

    /**
     * Where the configuration sends {@code kind}'s effects: {@code journal}, {@code postgresql},
     * {@code kafka} or an {@code EffectSink} bean's name (the journal also when a PostgreSQL or Kafka
     * route fell back to it in dev or test mode).
     */
    public String routeOf(String kind) {
        EffectRouting.Routing current = routing;
        if (current == null) {
            throw new IllegalStateException("no replica runs here yet: its effect routes are not set up");
        }
        return current.target(kind);
    }

    /** The long operations under way and the ones finished last, with their progress. */
    public LongOperations operations() {
        return operations;
    }

    /** Time travel over the history of the replica serving the API. */
    public HistoryIndex history() {
        return servingReplica().history();
    }

    /** The effects most recently acknowledged, as the replica serving the API saw them. */
    public AcknowledgedEffects acknowledged() {
        return servingReplica().acknowledged();
    }

    public CompletableFuture<NodeOutput.Answer> retryEffect(EffectId id) {
        return serving().retryEffect(id);
    }

    /** This node's replica id; in an in-process dev cluster, that of the replica serving the API. */
    public int nodeId() {
        return inProcess ? servingReplica().id() : members.self();
    }

    /** This node's status; in an in-process dev cluster, that of the replica serving the API. */
    public NodeStatus status() {
        if (replicas.isEmpty() && running && !inProcess) {
            return joiningStatus();
        }
        return status(servingReplica());
    }

    /** The status of an empty replica still deciding how to join its cluster (or that failed to). */
    private NodeStatus joiningStatus() {
        List<NodeStatus.Member> known = new ArrayList<>();
        for (int id = 0; id < members.size(); id++) {
            known.add(new NodeStatus.Member(id, members.addresses().get(id), false));
        }
        Throwable failure = startFailure;
        return new NodeStatus(members.self(), null, applicationName, NodeStatus.Role.RECOVERING, 0, -1, -1, -1, known,
                failure == null ? null : String.valueOf(failure.getMessage()), null);
    }

    private NodeStatus status(LocalReplica current) {
        NodeDriver.NodeState state = current.driver().state();
        NodeStatus.Role role = switch (state.status()) {
            case NORMAL -> state.primary() ? NodeStatus.Role.PRIMARY : NodeStatus.Role.BACKUP;
            case VIEW_CHANGE -> NodeStatus.Role.VIEW_CHANGE;
            case RECOVERING -> NodeStatus.Role.RECOVERING;
        };
        Throwable crash = current.driver().crash();
        List<NodeStatus.Member> known = new ArrayList<>();
        for (int id = 0; id < members.size(); id++) {
            // Replicas of this process report their own health; another process's is whether this
            // replica's link to it is up.
            boolean healthy = current.links() != null && id != current.id() && current.links().connected(id);
            for (LocalReplica replica : replicas) {
                if (replica.id() == id) {
                    healthy = replica.driver().crash() == null;
                }
            }
            known.add(new NodeStatus.Member(id, members.addresses().get(id), healthy));
        }
        ReplayCheck.Divergence divergence = current.replayCheck().divergence();
        return new NodeStatus(current.id(), clusterId, applicationName, role, state.view(), state.commitIndex(),
                state.appliedIndex(), state.primaryHint(), known, crash == null ? null : String.valueOf(crash.getMessage()),
                divergence == null ? null : divergence.describe());
    }

    /**
     * Where a request this replica cannot serve should go: the primary's address, when this is a
     * backup of a multi-process cluster in a normal view. Empty otherwise (this replica answers).
     */
    public Optional<String> primaryAddress() {
        List<LocalReplica> current = replicas;
        if (inProcess || current.size() != 1 || members.size() == 1) {
            return Optional.empty();
        }
        LocalReplica replica = current.getFirst();
        NodeDriver.NodeState state = replica.driver().state();
        if (state.status() != Replica.Status.NORMAL || state.primary() || state.primaryHint() < 0
                || state.primaryHint() == replica.id()) {
            return Optional.empty();
        }
        return Optional.of(members.addresses().get(state.primaryHint()));
    }

    /** Why a replica of this process stopped, or null while they all run. */
    public Throwable crash() {
        if (startFailure != null) {
            return startFailure;
        }
        for (LocalReplica replica : replicas) {
            if (replica.driver().crash() != null) {
                return replica.driver().crash();
            }
        }
        return null;
    }

    private NodeDriver serving() {
        return servingReplica().driver();
    }

    /** The replica that answers the API: the primary among this process's replicas, else the first. */
    private LocalReplica servingReplica() {
        List<LocalReplica> current = replicas;
        if (current.isEmpty()) {
            throw new IllegalStateException(running ? "this replica is joining its cluster: retry shortly"
                    : "the Chronon node is not running");
        }
        for (LocalReplica replica : current) {
            NodeDriver.NodeState state = replica.driver().state();
            if (state.primary() && state.status() == Replica.Status.NORMAL
                    && replica.driver().crash() == null) {
                return replica;
            }
        }
        return current.getFirst();
    }
}
