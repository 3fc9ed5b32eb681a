package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ChaosOptionsTest {
    @Test
    void optionsAreReadAndEverySizeMeetsEveryWorkload() {
        ChaosOptions options = ChaosOptions.parse(new String[] {"--schedules", "4", "--seed", "10", "--jobs", "2",
            "--nodes", "3,5", "--workloads", "kv,bank", "--duration", "2m", "--out", "/tmp/x"});
        assertEquals(4, options.schedules());
        assertEquals(2, options.jobs());
        assertEquals(Duration.ofMinutes(2), options.duration());
        assertEquals(Path.of("/tmp/x"), options.out());
        List<String> shapes = List.of(0, 1, 2, 3).stream().map(options::schedule)
                .map(s -> s.seed() + ":" + s.workload() + ":" + s.nodes()).toList();
        assertEquals(List.of("10:KV:3", "11:BANK:3", "12:KV:5", "13:BANK:5"), shapes);
    }

    @Test
    void badOptionsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--nodes", "4"})).getMessage().contains("odd"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--duration", "5s"})).getMessage().contains("at least 15s"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--workloads", "queue"})).getMessage().contains("kv or bank"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--jobs", "two"})).getMessage().contains("takes a number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--schedules"})).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosOptions.parse(new String[] {"--speed", "1"})).getMessage().contains("unknown option"));
    }
}
