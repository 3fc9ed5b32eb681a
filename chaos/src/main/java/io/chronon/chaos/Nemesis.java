package io.chronon.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import io.chronon.testkit.LinkProxy;

/**
 * Plays a schedule's fault windows against a cluster, on a thread of its own: at each window's start
 * it injects the fault (resolving "the primary" to the node leading at that moment), at its end it
 * heals it. What it did, and when, is kept for the summary and the timeline.
 */
final class Nemesis {
    /** A fault as it was injected: the nodes it hit, and from when to when (System.nanoTime). */
    record Injected(String description, long startNanos, long endNanos) {}

    private final ChaosCluster cluster;
    private final Schedule schedule;
    private final Random random;
    private final List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private Thread thread;

    Nemesis(ChaosCluster cluster, Schedule schedule) {
        this.cluster = cluster;
        this.schedule = schedule;
        this.random = new Random(schedule.seed() ^ 0x6e656d65736973L);
    }

    /** Starts playing the schedule, its time 0 being {@code startNanos}. */
    void start(long startNanos) {
        thread = Thread.ofPlatform().name("nemesis").start(() -> play(startNanos));
    }

    void join() throws InterruptedException {
        thread.join();
    }

    List<Injected> injected() {
        synchronized (injected) {
            return List.copyOf(injected);
        }
    }

    /** Faults the nemesis could not inject or heal as asked (a node that did not answer, say). */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    private void play(long startNanos) {
        for (FaultWindow window : schedule.windows()) {
            sleepUntil(startNanos + Duration.ofMillis(window.startMillis()).toNanos());
            long injectedAt = System.nanoTime();
            List<Runnable> heals = new ArrayList<>();
            String description;
            long windowEnd = startNanos + Duration.ofMillis(window.endMillis()).toNanos();
            try {
                description = inject(window.fault(), heals, windowEnd);
            } catch (RuntimeException e) {
                description = window.fault().describe() + " (failed: " + e.getMessage() + ")";
                problems.add(description);
            }
            sleepUntil(windowEnd);
            for (Runnable heal : heals.reversed()) {
                try {
                    heal.run();
                } catch (RuntimeException e) {
                    problems.add("healing " + description + ": " + e.getMessage());
                }
            }
            injected.add(new Injected(description, injectedAt, System.nanoTime()));
        }
    }

    /**
     * Injects the fault, adds what heals it to {@code heals}, and says which nodes it hit. A fault
     * that needs its node to answer (slow disk, clock skew) is tried until the window ends: a node
     * killed in the previous window may still be starting.
     */
    private String inject(Fault fault, List<Runnable> heals, long windowEnd) {
        return switch (fault) {
            case Fault.Kill kill -> {
                int node = resolve(kill.node());
                cluster.node(node).kill();
                heals.add(() -> cluster.node(node).start());
                yield "kill " + named(kill.node(), node);
            }
            case Fault.Pause pause -> {
                int node = resolve(pause.node());
                if (!cluster.node(node).isAlive()) {
                    yield "pause " + named(pause.node(), node) + " (not running)";
                }
                cluster.node(node).pause();
                heals.add(() -> cluster.node(node).resume());
                yield "pause " + named(pause.node(), node);
            }
            case Fault.Partition partition -> {
                cluster.mesh().partition(partition.side());
                heals.add(() -> cluster.mesh().heal());
                yield partition.describe();
            }
            case Fault.IsolatePrimary isolate -> {
                int node = resolve(Fault.PRIMARY);
                cluster.mesh().isolate(node);
                heals.add(() -> cluster.mesh().heal());
                yield "isolate primary n" + node;
            }
            case Fault.Bridge bridge -> {
                cutBetween(bridge.left(), bridge.right());
                heals.add(() -> cluster.mesh().heal());
                yield bridge.describe() + " " + bridge.left() + "|" + bridge.right();
            }
            case Fault.OneWayCut cut -> {
                int from = resolve(cut.from());
                int to = resolve(cut.to());
                if (from == to) {
                    to = (to + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
                }
                cluster.mesh().cutOneWay(from, to);
                heals.add(() -> cluster.mesh().heal());
                yield "one-way cut " + named(cut.from(), from) + "->" + named(cut.to(), to);
            }
            case Fault.SlowDisk slow -> {
                int node = resolve(slow.node());
                yield "slow disk " + named(slow.node(), node) + " +" + slow.millis() + "ms"
                        + setFaults(node, slow.millis(), 0, heals, windowEnd);
            }
            case Fault.ClockSkew skew -> {
                int node = resolve(skew.node());
                yield "clock skew " + named(skew.node(), node) + " " + (skew.millis() > 0 ? "+" : "") + skew.millis() / 1000 + "s"
                        + setFaults(node, 0, skew.millis(), heals, windowEnd);
            }
            case Fault.Combined combined -> {
                // The node faults first: they need their node to answer, which a pause would prevent.
                List<Fault> parts = new ArrayList<>(combined.faults());
                parts.sort(Comparator.comparing(part -> !(part instanceof Fault.SlowDisk || part instanceof Fault.ClockSkew)));
                List<String> injected = new ArrayList<>();
                for (Fault part : parts) {
                    injected.add(inject(part, heals, windowEnd));
                }
                yield String.join(" + ", injected);
            }
        };
    }

    /**
     * Sets a node's slow disk or clock skew, trying until the window ends; returns what to add to the
     * description when it could not (the node was down or still starting: nothing was injected).
     */
    private String setFaults(int node, long diskDelayMillis, long clockOffsetMillis, List<Runnable> heals,
                             long windowEnd) {
        while (!cluster.node(node).isPaused() && cluster.node(node).isAlive()) {
            if (cluster.setFaults(node, diskDelayMillis, clockOffsetMillis)) {
                heals.add(() -> resetFaults(node));
                return "";
            }
            if (System.nanoTime() > windowEnd) {
                break;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        return " (not injected: the node did not answer)";
    }

    /** Undoes a node fault; if the node does not answer, the final heal of the run undoes it. */
    private void resetFaults(int node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!cluster.setFaults(node, 0, 0)) {
            if (System.nanoTime() > deadline || cluster.node(node).isPaused() || !cluster.node(node).isAlive()) {
                problems.add("n" + node + " did not answer to have its disk and clock reset");
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private void cutBetween(Set<Integer> left, Set<Integer> right) {
        for (int a : left) {
            for (int b : right) {
                cluster.mesh().link(a, b).cut(LinkProxy.Direction.BOTH);
                cluster.mesh().link(b, a).cut(LinkProxy.Direction.BOTH);
            }
        }
    }

    /** How a resolved target reads: "n2", or "primary n2" when the fault aimed at the primary. */
    private static String named(int target, int node) {
        return (target == Fault.PRIMARY ? "primary n" : "n") + node;
    }

    /** The node itself, or for {@link Fault#PRIMARY} the primary now (a random node if none leads). */
    private int resolve(int node) {
        if (node != Fault.PRIMARY) {
            return node;
        }
        OptionalInt primary = cluster.primary();
        return primary.isPresent() ? primary.getAsInt() : random.nextInt(cluster.size());
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
