package io.chronon.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
            try {
                description = inject(window.fault(), heals);
            } catch (RuntimeException e) {
                description = window.fault().describe() + " (failed: " + e.getMessage() + ")";
                problems.add(description);
            }
            sleepUntil(startNanos + Duration.ofMillis(window.endMillis()).toNanos());
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

    /** Injects the fault, adds what heals it to {@code heals}, and says which nodes it hit. */
    private String inject(Fault fault, List<Runnable> heals) {
        return switch (fault) {
            case Fault.Kill kill -> {
                int node = resolve(kill.node());
                cluster.node(node).kill();
                heals.add(() -> cluster.node(node).start());
                yield "kill n" + node;
            }
            case Fault.Pause pause -> {
                int node = resolve(pause.node());
                if (!cluster.node(node).isAlive()) {
                    yield "pause n" + node + " (not running)";
                }
                cluster.node(node).pause();
                heals.add(() -> cluster.node(node).resume());
                yield "pause n" + node;
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
                yield "one-way cut n" + from + "->n" + to;
            }
            case Fault.SlowDisk slow -> {
                int node = resolve(slow.node());
                requireAnswer(node, cluster.setFaults(node, slow.millis(), 0), fault);
                heals.add(() -> requireAnswer(node, cluster.setFaults(node, 0, 0), fault));
                yield "slow disk n" + node + " +" + slow.millis() + "ms";
            }
            case Fault.ClockSkew skew -> {
                int node = resolve(skew.node());
                requireAnswer(node, cluster.setFaults(node, 0, skew.millis()), fault);
                heals.add(() -> requireAnswer(node, cluster.setFaults(node, 0, 0), fault));
                yield "clock skew n" + node + " " + (skew.millis() > 0 ? "+" : "") + skew.millis() / 1000 + "s";
            }
            case Fault.Combined combined -> {
                List<String> parts = new ArrayList<>();
                for (Fault part : combined.faults()) {
                    parts.add(inject(part, heals));
                }
                yield String.join(" + ", parts);
            }
        };
    }

    private static void requireAnswer(int node, boolean answered, Fault fault) {
        if (!answered) {
            throw new IllegalStateException("n" + node + " did not take the fault " + fault.describe());
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
