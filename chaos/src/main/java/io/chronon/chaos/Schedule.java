package io.chronon.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One fault schedule, derived entirely from its seed: the cluster size, the workload, how long the
 * clients run, and the fault windows. Windows never overlap (a combination is one window), start
 * after a quiet warm-up and end early enough that the cluster has time to recover before the
 * clients stop, so every run also shows the system coming back.
 */
public record Schedule(long seed, int nodes, Workload workload, Duration duration, List<FaultWindow> windows) {
    static final long WARM_UP_MILLIS = 3_000;
    static final long RECOVERY_MILLIS = 4_000;

    public Schedule {
        if (nodes < 3 || nodes % 2 == 0) {
            throw new IllegalArgumentException("a chaos cluster has an odd number of nodes, at least 3: " + nodes);
        }
        windows = List.copyOf(windows);
        for (int i = 1; i < windows.size(); i++) {
            if (windows.get(i).startMillis() < windows.get(i - 1).endMillis()) {
                throw new IllegalArgumentException("fault windows overlap: " + windows.get(i - 1) + ", " + windows.get(i));
            }
        }
    }

    /** The schedule of {@code seed}: the same seed always gives the same schedule. */
    public static Schedule generate(long seed, int nodes, Workload workload, Duration duration) {
        Random random = new Random(seed);
        long end = duration.toMillis() - RECOVERY_MILLIS;
        List<FaultWindow> windows = new ArrayList<>();
        long at = WARM_UP_MILLIS + random.nextInt(1_000);
        while (true) {
            long length = 1_500 + random.nextInt(3_500);
            if (at + length > end) {
                break;
            }
            Fault fault = random.nextInt(5) == 0 ? combination(random, nodes) : single(random, nodes);
            windows.add(new FaultWindow(at, length, fault));
            at += length + 1_000 + random.nextInt(2_000);
        }
        return new Schedule(seed, nodes, workload, duration, windows);
    }

    private static Fault single(Random random, int nodes) {
        return switch (random.nextInt(9)) {
            case 0 -> new Fault.Kill(random.nextBoolean() ? Fault.PRIMARY : random.nextInt(nodes));
            case 1 -> new Fault.Pause(random.nextBoolean() ? Fault.PRIMARY : random.nextInt(nodes));
            case 2 -> new Fault.Partition(minority(random, nodes));
            case 3 -> new Fault.IsolatePrimary();
            case 4 -> bridge(random, nodes);
            case 5 -> new Fault.OneWayCut(Fault.PRIMARY, random.nextInt(nodes));
            case 6 -> oneWayBetweenTwo(random, nodes);
            case 7 -> new Fault.SlowDisk(random.nextBoolean() ? Fault.PRIMARY : random.nextInt(nodes),
                    100 + random.nextInt(400));
            default -> new Fault.ClockSkew(random.nextBoolean() ? Fault.PRIMARY : random.nextInt(nodes),
                    (random.nextBoolean() ? 1 : -1) * (60_000L + random.nextInt(3_540_000)));
        };
    }

    /**
     * A network fault together with a node fault: a partition while a disk is slow or a clock is off,
     * or a kill and a pause of two different nodes (with 3 nodes, a majority is then down: the cluster
     * must stop answering, not answer wrongly).
     */
    private static Fault combination(Random random, int nodes) {
        int first = random.nextInt(nodes);
        int second = (first + 1 + random.nextInt(nodes - 1)) % nodes;
        return switch (random.nextInt(4)) {
            case 0 -> new Fault.Combined(List.of(new Fault.Partition(minority(random, nodes)),
                    new Fault.SlowDisk(first, 100 + random.nextInt(400))));
            case 1 -> new Fault.Combined(List.of(new Fault.IsolatePrimary(),
                    new Fault.ClockSkew(first, -(60_000L + random.nextInt(3_540_000)))));
            case 2 -> new Fault.Combined(List.of(new Fault.Kill(first), new Fault.Pause(second)));
            default -> new Fault.Combined(List.of(new Fault.Pause(Fault.PRIMARY),
                    new Fault.ClockSkew(first, 60_000L + random.nextInt(3_540_000))));
        };
    }

    /** A minority: 1 node of 3, 1 or 2 of 5. */
    private static Set<Integer> minority(Random random, int nodes) {
        int size = 1 + random.nextInt(nodes / 2);
        Set<Integer> side = new HashSet<>();
        while (side.size() < size) {
            side.add(random.nextInt(nodes));
        }
        return side;
    }

    private static Fault bridge(Random random, int nodes) {
        int bridge = random.nextInt(nodes);
        Set<Integer> left = new HashSet<>();
        Set<Integer> right = new HashSet<>();
        for (int node = 0; node < nodes; node++) {
            if (node != bridge) {
                (left.size() <= right.size() ? left : right).add(node);
            }
        }
        return new Fault.Bridge(bridge, left, right);
    }

    private static Fault oneWayBetweenTwo(Random random, int nodes) {
        int from = random.nextInt(nodes);
        return new Fault.OneWayCut(from, (from + 1 + random.nextInt(nodes - 1)) % nodes);
    }

}
