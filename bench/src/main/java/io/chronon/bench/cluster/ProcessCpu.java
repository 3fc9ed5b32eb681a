package io.chronon.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process from {@code /proc/<pid>/stat} (utime + stime, fields 14 and 15), and of the
 * whole machine from {@code /proc/stat}.
 */
final class ProcessCpu {
    /** Linux reports those fields in USER_HZ ticks, which the kernel ABI fixes at 100 per second. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {}

    static long nanos(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) * NANOS_PER_TICK;
    }

    /** This JVM's (the load generator's) CPU time. */
    static long selfNanos() {
        return nanos(ProcessHandle.current().pid());
    }

    /**
     * CPU time all processors spent busy since boot (user, nice, system, irq, softirq, steal: the first
     * line of {@code /proc/stat} without idle and iowait), so that what other processes used during a run
     * can be told apart from what the benchmark used.
     */
    static long machineBusyNanos() {
        String cpu;
        try {
            cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
        String[] ticks = cpu.trim().split("\\s+");
        long busy = 0;
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(ticks[field]);
        }
        return busy * NANOS_PER_TICK;
    }
}
