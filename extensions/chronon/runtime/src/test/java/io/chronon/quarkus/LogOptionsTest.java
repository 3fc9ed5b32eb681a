package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import io.chronon.engine.LogOptions;
import org.junit.jupiter.api.Test;

/** chronon.log.segment-bytes: the log's layout it gives, and the settings it refuses, saying why. */
class LogOptionsTest {
    /** A configuration with only what the log's layout reads. */
    private static ChrononConfig config(long segmentBytes, int maxCommandBytes) {
        ChrononConfig.LogFiles log = (ChrononConfig.LogFiles) Proxy.newProxyInstance(
                LogOptionsTest.class.getClassLoader(), new Class<?>[] {ChrononConfig.LogFiles.class},
                (proxy, method, args) -> segmentBytes);
        return (ChrononConfig) Proxy.newProxyInstance(LogOptionsTest.class.getClassLoader(),
                new Class<?>[] {ChrononConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "log" -> log;
                    case "maxCommandBytes" -> maxCommandBytes;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theDefaultsGiveTheStorageEnginesDefaults() {
        assertEquals(LogOptions.DEFAULTS, ChrononNode.logOptions(config(64L << 20, 1 << 20)));
    }

    @Test
    void smallSegmentsLimitBatchesAndEntriesToAQuarterOfASegment() {
        LogOptions small = ChrononNode.logOptions(config(65_536, 16_000));
        assertEquals(65_536, small.segmentBytes());
        assertEquals(16_384, small.maxBatchBytes());
        assertEquals(16_384 - 128, small.maxPayloadBytes());
    }

    @Test
    void aCommandLimitTheEntriesCannotHoldOrAnOddSegmentIsRefused() {
        IllegalStateException tooLarge = assertThrows(IllegalStateException.class,
                () -> ChrononNode.logOptions(config(65_536, 1 << 20)));
        assertTrue(tooLarge.getMessage().contains("lower chronon.max-command-bytes to 16256"), tooLarge.getMessage());
        IllegalStateException odd = assertThrows(IllegalStateException.class,
                () -> ChrononNode.logOptions(config(100_000, 1_000)));
        assertTrue(odd.getMessage().contains("multiple of 4096"), odd.getMessage());
        assertThrows(IllegalStateException.class, () -> ChrononNode.logOptions(config(32_768, 1_000)));
    }
}
