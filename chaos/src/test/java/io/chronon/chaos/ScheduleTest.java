package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Duration DURATION = Duration.ofSeconds(30);

    @Test
    void aSeedAlwaysGivesTheSameScheduleAndAnotherSeedAnother() {
        assertEquals(Schedule.generate(42, 3, Workload.KV, DURATION), Schedule.generate(42, 3, Workload.KV, DURATION));
        assertNotEquals(Schedule.generate(42, 3, Workload.KV, DURATION).windows(),
                Schedule.generate(43, 3, Workload.KV, DURATION).windows());
    }

    @Test
    void windowsStartAfterTheWarmUpNeverOverlapAndLeaveTimeToRecover() {
        for (long seed = 0; seed < 500; seed++) {
            for (int nodes : new int[] {3, 5}) {
                Schedule schedule = Schedule.generate(seed, nodes, Workload.BANK, DURATION);
                assertFalse(schedule.windows().isEmpty(), "seed " + seed + " injects something");
                long previousEnd = Schedule.WARM_UP_MILLIS;
                for (FaultWindow window : schedule.windows()) {
                    assertTrue(window.startMillis() >= previousEnd, "seed " + seed + ": " + window);
                    previousEnd = window.endMillis();
                    targetsExist(window.fault(), nodes, seed);
                }
                assertTrue(previousEnd <= DURATION.toMillis() - Schedule.RECOVERY_MILLIS, "seed " + seed);
            }
        }
    }

    private static void targetsExist(Fault fault, int nodes, long seed) {
        List<Integer> targets = switch (fault) {
            case Fault.Kill kill -> List.of(kill.node());
            case Fault.Pause pause -> List.of(pause.node());
            case Fault.SlowDisk slow -> List.of(slow.node());
            case Fault.ClockSkew skew -> List.of(skew.node());
            case Fault.OneWayCut cut -> List.of(cut.from(), cut.to());
            case Fault.Partition partition -> List.copyOf(partition.side());
            case Fault.Bridge bridge -> List.of(bridge.bridge());
            case Fault.IsolatePrimary isolate -> List.of();
            case Fault.Combined combined -> {
                combined.faults().forEach(part -> targetsExist(part, nodes, seed));
                yield List.of();
            }
        };
        for (int node : targets) {
            assertTrue(node == Fault.PRIMARY || node >= 0 && node < nodes, "seed " + seed + ": " + fault);
        }
        if (fault instanceof Fault.Partition partition) {
            assertTrue(partition.side().size() <= nodes / 2, "a minority is cut off: " + fault);
        }
        if (fault instanceof Fault.Bridge bridge) {
            assertTrue(!bridge.left().contains(bridge.bridge()) && !bridge.right().contains(bridge.bridge())
                    && bridge.left().size() + bridge.right().size() == nodes - 1, fault.toString());
        }
    }

    @Test
    void overManySeedsEveryKindOfFaultComesUp() {
        Set<Class<?>> kinds = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            for (FaultWindow window : Schedule.generate(seed, 5, Workload.KV, DURATION).windows()) {
                kinds.add(window.fault().getClass());
                if (window.fault() instanceof Fault.Combined combined) {
                    combined.faults().forEach(part -> kinds.add(part.getClass()));
                }
            }
        }
        assertEquals(Set.of(Fault.Kill.class, Fault.Pause.class, Fault.Partition.class, Fault.IsolatePrimary.class,
                Fault.Bridge.class, Fault.OneWayCut.class, Fault.SlowDisk.class, Fault.ClockSkew.class,
                Fault.Combined.class), kinds);
    }

    @Test
    void anEvenClusterOrOverlappingWindowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.generate(1, 4, Workload.KV, DURATION));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(1, 3, Workload.KV, DURATION,
                List.of(new FaultWindow(1_000, 2_000, new Fault.Kill(0)),
                        new FaultWindow(2_500, 1_000, new Fault.Pause(1)))));
    }
}
