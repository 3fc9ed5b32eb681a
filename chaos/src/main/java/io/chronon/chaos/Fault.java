package io.chronon.chaos;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One fault the nemesis injects for a window of time and then heals. A fault aimed at "the primary"
 * ({@link #PRIMARY}) is resolved when it is injected: whichever node leads at that moment.
 */
public sealed interface Fault {
    /** The node argument meaning "the primary when the fault starts". */
    int PRIMARY = -1;

    /** A short readable name, as in the summary and on the timeline. */
    String describe();

    private static String who(int node) {
        return node == PRIMARY ? "primary" : "n" + node;
    }

    /** SIGKILL, then a restart when the window ends. */
    record Kill(int node) implements Fault {
        public String describe() {
            return "kill " + who(node);
        }
    }

    /** SIGSTOP, then SIGCONT when the window ends: longer than the election timeout. */
    record Pause(int node) implements Fault {
        public String describe() {
            return "pause " + who(node);
        }
    }

    /** Every link between {@code side} and the other nodes cut both ways. */
    record Partition(Set<Integer> side) implements Fault {
        public Partition {
            side = Set.copyOf(side);
        }

        public String describe() {
            return "partition " + side.stream().sorted().map(n -> "n" + n).collect(Collectors.joining(",", "{", "}"))
                    + " | rest";
        }
    }

    /** The primary cut off from everyone, both ways. */
    record IsolatePrimary() implements Fault {
        public String describe() {
            return "isolate primary";
        }
    }

    /**
     * Two groups that cannot talk to each other but both talk to the bridge node: each group may
     * elect a different primary if it counts the bridge, which is where naive protocols break.
     */
    record Bridge(int bridge, Set<Integer> left, Set<Integer> right) implements Fault {
        public Bridge {
            left = Set.copyOf(left);
            right = Set.copyOf(right);
        }

        public String describe() {
            return "bridge via n" + bridge;
        }
    }

    /** Bytes from {@code from} to {@code to} stop; the other direction flows. */
    record OneWayCut(int from, int to) implements Fault {
        public String describe() {
            return "one-way cut " + who(from) + "->" + (to == PRIMARY ? "primary" : "n" + to);
        }
    }

    /** Every fsync of the node's log waits {@code millis} first. */
    record SlowDisk(int node, long millis) implements Fault {
        public String describe() {
            return "slow disk " + who(node) + " +" + millis + "ms";
        }
    }

    /** The node's wall clock (consensus time while it leads) is off by {@code millis}. */
    record ClockSkew(int node, long millis) implements Fault {
        public String describe() {
            return "clock skew " + who(node) + " " + (millis > 0 ? "+" : "") + millis / 1000 + "s";
        }
    }

    /** Several faults in the same window. */
    record Combined(List<Fault> faults) implements Fault {
        public Combined {
            faults = List.copyOf(faults);
            if (faults.size() < 2 || faults.stream().anyMatch(f -> f instanceof Combined)) {
                throw new IllegalArgumentException("a combination is of two or more single faults: " + faults);
            }
        }

        public String describe() {
            return faults.stream().map(Fault::describe).collect(Collectors.joining(" + "));
        }
    }
}
