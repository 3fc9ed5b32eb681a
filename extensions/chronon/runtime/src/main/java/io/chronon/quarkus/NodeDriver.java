package io.chronon.quarkus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.kernel.Outcome;
import io.chronon.node.HaltPoint;
import io.chronon.node.Node;
import io.chronon.node.NodeOutput;
import io.chronon.node.NodeStorage;
import io.chronon.node.StorageWork;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;
import io.chronon.vsr.ReadConsistency;
import io.chronon.vsr.Replica;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jboss.logging.Logger;

/**
 * Drives a {@link Node}: one event-loop thread owns it and feeds it ticks, client calls and storage
 * completions; one storage thread performs its storage work in order; sinks deliver effects on
 * their own. The loop never waits on the disk, so heartbeats and elections go on while a barrier
 * is slow.
 *
 * <p>Crash-only: an exception in the loop or the storage thread (a broken invariant, a failed
 * fsync, a divergence) stops the node for good; every waiting call fails and the node reports
 * itself crashed. Restarting the process recovers it from its data directory.
 */
final class NodeDriver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NodeDriver.class);
    /** The replica's clock: one tick every 10 ms (its timeouts are counted in ticks). */
    static final int TICK_MILLIS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /**
     * Commit index recorded in the manifest after this many applied entries, to notice a lost tail on
     * restart, but not more often than every {@link #COMMIT_CHECKPOINT_SPACING_NANOS}: each record
     * is a file write, two fsyncs and a rename in the storage queue, and at 6,000 commands/s every
     * 64 entries meant about 100 records a second beside some 700 log barriers.
     */
    private static final long COMMIT_CHECKPOINT_EVERY = 64;
    private static final long COMMIT_CHECKPOINT_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * A storage item or a turn of the loop that takes longer is logged: every command waiting behind it
     * waits as long (etcd warns the same way about slow fsyncs and applies).
     */
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Node node;
    private final NodeStorage storage;
    private final Function<String, EffectSink> sinks;
    private final HaltPoint.Hook halts;
    private final NodeMetrics metrics;
    private final PeerNetwork network;
    /** Sees every entry this node applies, in order, on the loop thread. */
    /** Takes the time-travel checkpoints, on the loop thread. */
    private final HistoryIndex history;
    private final Consumer<Executor.Result> appliedListener;
    /** Touched on the loop thread only. */
    private final CommandTracing tracing;
    private final EffectDelivery delivery;

    /**
     * How effects are delivered: each delivery's time limit and, for tests only, a wait before each
     * delivery (zero otherwise) and the sink whose deliveries reach the sink halt point (every sink's
     * when empty).
     */
    record EffectDelivery(Duration timeout, Duration testDelay, Optional<String> testHaltSink) {}
    /** Ticks between two counts of the outbox for the backlog gauges. */
    private static final int OUTBOX_COUNT_TICKS = 100;
    private long ticks;
    private long lastView = -1;
    private Replica.Status lastStatus;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService storageThread;
    /** Writes snapshots beside the storage thread: a snapshot of a large state must not hold up the log. */
    private final ExecutorService snapshotThread;
    private final ExecutorService effectThread;
    private final Thread loop;
    private final ArrayDeque<StorageWork> storageQueue = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<NodeOutput.Answer>> commands = new HashMap<>();
    private final Map<Long, CompletableFuture<NodeOutput.ReadAnswer>> reads = new HashMap<>();
    private boolean storageBusy;
    /** The storage work being performed, or null. */
    private StorageWork storageWork;
    /** Snapshots asked for and not yet written, oldest first. */
    private final ArrayDeque<Executor.Checkpoint> snapshotsToWrite = new ArrayDeque<>();
    /** From the start of a snapshot's write until its compaction is done. */
    private boolean snapshotInFlight;
    private long nextCallId;
    private long lastCheckpointedCommit = -1;
    private long lastCommitCheckpointAt = System.nanoTime() - COMMIT_CHECKPOINT_SPACING_NANOS;
    private volatile boolean running = true;
    private volatile Throwable crash;
    /** The view the manifest holds durably: effects are delivered only under it (the fence). */
    private volatile long durableView;
    private volatile NodeState state;

    /** What the node is doing, as the status endpoint reports it. */
    record NodeState(Replica.Status status, long view, long op, long commitIndex, long appliedIndex, boolean primary,
                     int primaryHint) {}

    NodeDriver(Node node, NodeStorage storage, Function<String, EffectSink> sinks, HaltPoint.Hook halts,
               NodeMetrics metrics, PeerNetwork network, Consumer<Executor.Result> appliedListener, Tracer tracer,
               EffectDelivery delivery, HistoryIndex history) {
        this.delivery = delivery;
        this.tracing = new CommandTracing(tracer);
        this.node = node;
        this.appliedListener = appliedListener;
        this.history = history;
        history.applied(node.executor());
        this.network = network;
        this.metrics = metrics;
        this.storage = storage;
        this.sinks = sinks;
        this.halts = halts;
        this.durableView = storage.data().manifest().state().view();
        this.storageThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("chronon-storage").factory());
        this.effectThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("chronon-effects").factory());
        this.snapshotThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("chronon-snapshot").factory());
        publishState();
        this.loop = Thread.ofPlatform().name("chronon-loop").unstarted(this::run);
        loop.start();
        post(this::process);
    }

    /** Consensus time: nanoseconds since the epoch from the wall clock (the replica keeps it monotonic). */
    static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---------------------------------------------------------------- calls from any thread

    CompletableFuture<NodeOutput.Answer> command(UUID client, long requestNumber, byte[] command) {
        CompletableFuture<NodeOutput.Answer> answer = new CompletableFuture<>();
        long arrived = System.nanoTime();
        answer.thenAccept(done -> {
            if (done instanceof NodeOutput.Answer.Done) {
                metrics.committed(System.nanoTime() - arrived);
            }
        });
        Context context = Context.current();
        post(() -> {
            long id = ++nextCallId;
            commands.put(id, answer);
            tracing.submitted(id, context);
            node.command(id, client, requestNumber, command);
        });
        return answer;
    }

    CompletableFuture<NodeOutput.ReadAnswer> query(byte[] query, ReadConsistency consistency) {
        CompletableFuture<NodeOutput.ReadAnswer> answer = new CompletableFuture<>();
        post(() -> {
            long id = ++nextCallId;
            reads.put(id, answer);
            node.query(id, query, consistency);
        });
        return answer;
    }

    /**
     * Whether this replica still leads {@code view}, confirmed by a quorum round that starts after
     * the call: false once another view began (or this node stopped).
     */
    CompletableFuture<Boolean> confirmView(long view) {
        CompletableFuture<Boolean> confirmed = new CompletableFuture<>();
        Runnable ask = () -> {
            if (durableView != view) {
                confirmed.complete(false);
                return;
            }
            long id = ++nextCallId;
            CompletableFuture<NodeOutput.ReadAnswer> answer = new CompletableFuture<>();
            reads.put(id, answer);
            // Completed on the loop thread, where durableView is read.
            answer.whenComplete((reply, error) -> confirmed.complete(
                    error == null && reply instanceof NodeOutput.ReadAnswer.Done && durableView == view));
            node.confirmLeadership(id);
        };
        try {
            post(ask);
        } catch (NodeCrashedException stopped) {
            confirmed.complete(false);
        }
        return confirmed;
    }

    /** A message from a peer; dropped if this node stopped (as a dead process would). */
    void deliver(Message message) {
        if (crash == null && running) {
            inbox.add(() -> node.receive(message));
        }
    }

    CompletableFuture<NodeOutput.ReadAnswer> queryLocal(byte[] query) {
        CompletableFuture<NodeOutput.ReadAnswer> answer = new CompletableFuture<>();
        post(() -> answer.complete(node.queryLocal(query)));
        return answer;
    }

    /** The effects in the outbox (pending or failed), as the node holds them now. */
    CompletableFuture<List<Outbox.Pending>> outbox() {
        CompletableFuture<List<Outbox.Pending>> answer = new CompletableFuture<>();
        post(() -> answer.complete(node.outbox()));
        return answer;
    }

    /** Proposes to deliver a failed effect again; answered once the retry entry is applied. */
    CompletableFuture<NodeOutput.Answer> retryEffect(EffectId id) {
        CompletableFuture<NodeOutput.Answer> answer = new CompletableFuture<>();
        post(() -> {
            long callId = ++nextCallId;
            commands.put(callId, answer);
            node.retryEffect(callId, id);
        });
        return answer;
    }

    NodeState state() {
        return state;
    }

    /** Why the node stopped, or null while it runs. */
    Throwable crash() {
        return crash;
    }

    private void post(Runnable task) {
        if (crash != null) {
            throw new NodeCrashedException(crash);
        }
        if (!running) {
            throw new NodeCrashedException(new IllegalStateException("the node was stopped"));
        }
        inbox.add(task);
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        try {
            while (running) {
                Runnable task = inbox.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (task != null) {
                    long started = System.nanoTime();
                    task.run();
                    process();
                    long took = System.nanoTime() - started;
                    if (took > SLOW_NANOS) {
                        LOG.warnf("the replica's loop spent %d ms on one task: commands waited as long (a GC"
                                + " pause counts too)", TimeUnit.NANOSECONDS.toMillis(took));
                    }
                }
                // Every elapsed tick is delivered, also after a pause: leases count on ticks keeping pace.
                while (System.nanoTime() >= nextTick) {
                    nextTick += TICK_NANOS;
                    node.tick();
                    process();
                    if (++ticks % OUTBOX_COUNT_TICKS == 0) {
                        countOutbox();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            crashed(e);
        }
    }

    private void crashed(Throwable e) {
        if (crash == null) {
            crash = e;
            LOG.errorf(e, "the Chronon node stopped: %s. Restart the process: it recovers from its data directory.",
                    e.getMessage());
        }
        running = false;
        commands.values().forEach(call -> call.completeExceptionally(new NodeCrashedException(e)));
        reads.values().forEach(call -> call.completeExceptionally(new NodeCrashedException(e)));
        commands.clear();
        reads.clear();
        tracing.forgetCalls();
        inbox.clear();
    }

    private void process() {
        List<NodeOutput> outputs = node.drainOutputs();
        List<Executor.Result> applied = node.drainApplied();
        // Published before any reply below leaves: a client told "committed at N" must never read an
        // older commit index in the status afterwards.
        publishState();
        tracing.observe(outputs, applied);
        for (NodeOutput output : outputs) {
            switch (output) {
                case NodeOutput.Send send -> network.send(send.to(), send.message());
                case NodeOutput.Storage work -> queueStorage(new StorageWork.ReplicaOutput(work.storage()));
                case NodeOutput.TakeSnapshot take -> {
                    snapshotsToWrite.add(take.checkpoint());
                    pumpSnapshots();
                }
                case NodeOutput.Reply reply -> {
                    CompletableFuture<NodeOutput.Answer> call = commands.remove(reply.requestId());
                    if (call != null) {
                        call.complete(reply.answer());
                    }
                }
                case NodeOutput.ReadReply reply -> {
                    CompletableFuture<NodeOutput.ReadAnswer> call = reads.remove(reply.readId());
                    if (call != null) {
                        call.complete(reply.answer());
                    }
                }
                case NodeOutput.Execute execute -> execute(execute);
            }
        }
        for (Executor.Result result : applied) {
            if (result.outcome() instanceof Outcome.Failed) {
                metrics.applyFailed();
            }
            appliedListener.accept(result);
        }
        history.applied(node.executor());
        long appliedIndex = node.executor().appliedIndex();
        if (appliedIndex - lastCheckpointedCommit >= COMMIT_CHECKPOINT_EVERY
                && System.nanoTime() - lastCommitCheckpointAt >= COMMIT_CHECKPOINT_SPACING_NANOS) {
            lastCheckpointedCommit = appliedIndex;
            lastCommitCheckpointAt = System.nanoTime();
            queueStorage(new StorageWork.RecordCommit(appliedIndex));
        }
    }

    private void countOutbox() {
        List<Outbox.Pending> effects = node.executor().outbox().all();
        long failed = effects.stream().filter(effect -> effect.status() == Outbox.Status.FAILED).count();
        metrics.outbox(effects.size() - failed, failed);
    }

    private void publishState() {
        Replica replica = node.replica();
        if (replica.view() != lastView || replica.status() != lastStatus) {
            if (lastView >= 0 && replica.view() != lastView) {
                metrics.viewChanged();
            }
            // Rare, and what an operator looks for first when latency jumps: logged at INFO.
            LOG.infof("replica %d: %s in view %d (primary %d), commit index %d", replica.replicaId(),
                    replica.status(), replica.view(), replica.primaryHint(), replica.commitIndex());
            lastView = replica.view();
            lastStatus = replica.status();
        }
        state = new NodeState(replica.status(), replica.view(), replica.op(), replica.commitIndex(),
                node.executor().appliedIndex(),
                replica.isPrimary(), replica.primaryHint());
    }

    // ---------------------------------------------------------------- storage

    private void queueStorage(StorageWork work) {
        storageQueue.add(work);
        pumpStorage();
    }

    private void pumpStorage() {
        if (storageBusy || storageQueue.isEmpty()) {
            return;
        }
        StorageWork work = storageQueue.peek();
        if (snapshotInFlight && work.touchesSnapshots() && !(work instanceof StorageWork.Compaction)) {
            return; // resumed when the snapshot's compaction is done
        }
        storageQueue.poll();
        storageBusy = true;
        storageWork = work;
        storageThread.execute(() -> {
            Consumer<Node> completion;
            try {
                long started = System.nanoTime();
                completion = storage.perform(work);
                long took = System.nanoTime() - started;
                if (work instanceof StorageWork.ReplicaOutput(Output.Persist persist)) {
                    metrics.barrier(persist.entries().size(), took);
                }
                if (took > SLOW_NANOS) {
                    LOG.warnf("storage work took %d ms (%s): the log's writes waited as long",
                            TimeUnit.NANOSECONDS.toMillis(took), describe(work));
                }
                durableView = storage.data().manifest().state().view();
            } catch (Throwable e) {
                inbox.add(() -> crashed(e));
                return;
            }
            inbox.add(() -> {
                storageBusy = false;
                storageWork = null;
                if (work instanceof StorageWork.Compaction) {
                    snapshotInFlight = false;
                }
                completion.accept(node);
                pumpStorage();
                pumpSnapshots();
            });
        });
    }

    /**
     * Starts writing the next snapshot asked for on the snapshot thread, unless one is in flight or
     * the storage thread is working on the snapshots. Its compaction then goes to the front of the
     * storage queue: it only removes what lies far below the log's tail, so it need not wait for the
     * writes queued meanwhile.
     */
    private void pumpSnapshots() {
        if (snapshotInFlight || snapshotsToWrite.isEmpty() || storageWork != null && storageWork.touchesSnapshots()) {
            return;
        }
        snapshotInFlight = true;
        Executor.Checkpoint checkpoint = snapshotsToWrite.poll();
        snapshotThread.execute(() -> {
            long started = System.nanoTime();
            try {
                storage.writeSnapshot(checkpoint);
            } catch (Throwable e) {
                inbox.add(() -> crashed(e));
                return;
            }
            LOG.debugf("snapshot at index %d written in %d ms", checkpoint.index(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            inbox.add(() -> {
                storageQueue.addFirst(new StorageWork.Compaction(checkpoint.index()));
                pumpStorage();
            });
        });
    }

    private static String describe(StorageWork work) {
        return switch (work) {
            case StorageWork.ReplicaOutput(Output.Persist persist) -> "persisting " + persist.entries().size()
                    + " entries from index " + persist.entries().getFirst().index();
            case StorageWork.ReplicaOutput(Output output) -> output.getClass().getSimpleName();
            case StorageWork.Compaction compaction -> "compaction under the snapshot at index "
                    + compaction.snapshotIndex();
            case StorageWork.RecordCommit commit -> "recording commit " + commit.commit();
        };
    }

    // ---------------------------------------------------------------- effects

    /**
     * Delivers an effect under the fence: the durable view must be the effect's view before the
     * sink is called and again when it answers, or no outcome is reported (a newer primary
     * delivers it).
     */
    private void execute(NodeOutput.Execute execute) {
        if (durableView != execute.view()) {
            return;
        }
        EffectSink sink = sinks.apply(execute.sink());
        Span span = tracing.effect(execute);
        effectThread.execute(() -> {
            if (!delivery.testDelay().isZero()) {
                try {
                    Thread.sleep(delivery.testDelay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            CompletableFuture<EffectSink.Receipt> delivered;
            try (Scope current = span.makeCurrent()) {
                delivered = sink.deliver(execute.delivery()).toCompletableFuture().copy()
                        .orTimeout(delivery.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                delivered = CompletableFuture.failedFuture(e);
            }
            delivered.whenComplete((ignored, error) -> {
                if (error != null) {
                    span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                }
                span.end();
            });
            delivered.whenComplete((receipt, error) -> inbox.add(() -> {
                if (error == null) {
                    if (delivery.testHaltSink().isEmpty() || delivery.testHaltSink().get().equals(execute.sink())) {
                        halts.reached(HaltPoint.AFTER_SINK_COMMIT_BEFORE_ACK);
                    }
                }
                if (durableView != execute.view()) {
                    return;
                }
                if (error == null) {
                    node.effectDelivered(execute.id(), execute.view(), receipt);
                } else {
                    node.effectFailed(execute.id(), execute.view(), failure(error));
                }
            }));
        });
    }

    /** Why a delivery failed, in words for the outbox's last error. */
    private String failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return "no answer from the sink within " + delivery.timeout().toMillis() + " ms";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Stops the threads and releases the data directory (dev-mode reload, tests). Correctness never needs it. */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storageThread.shutdown();
        snapshotThread.shutdown();
        effectThread.shutdown();
        try {
            storageThread.awaitTermination(30, TimeUnit.SECONDS);
            snapshotThread.awaitTermination(30, TimeUnit.SECONDS);
            effectThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.data().close();
        NodeCrashedException closed = new NodeCrashedException(new IllegalStateException("the node was stopped"));
        commands.values().forEach(call -> call.completeExceptionally(closed));
        reads.values().forEach(call -> call.completeExceptionally(closed));
    }

    /** The node stopped: nothing more will be answered by this process. */
    static final class NodeCrashedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NodeCrashedException(Throwable cause) {
            super("the Chronon node stopped: " + cause.getMessage(), cause);
        }
    }
}
