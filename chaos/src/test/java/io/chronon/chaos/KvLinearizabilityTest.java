package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.chronon.testkit.History;
import org.junit.jupiter.api.Test;

class KvLinearizabilityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final History history = new History();

    @Test
    void readsOfWhatWasWrittenAreLinearizable() {
        history.invoke(0, "put", "{\"key\":\"k0\",\"value\":\"v1\"}").ok("{\"previous\":null}");
        history.invoke(1, "cas", "{\"key\":\"k0\",\"expected\":\"v1\",\"value\":\"v2\"}")
                .ok("{\"swapped\":true,\"current\":\"v2\"}");
        history.invoke(0, "get", "{\"key\":\"k0\"}").ok("{\"key\":\"k0\",\"value\":\"v2\"}");
        CheckResult result = KvLinearizability.check(history.operations(), TIMEOUT);
        assertTrue(result.passed(), result.detail());
    }

    @Test
    void aReadOfAValueNobodyWroteIsAnAnomaly() {
        history.invoke(0, "put", "{\"key\":\"k0\",\"value\":\"v1\"}").ok("{\"previous\":null}");
        history.invoke(0, "get", "{\"key\":\"k0\"}").ok("{\"key\":\"k0\",\"value\":\"v9\"}");
        assertFalse(KvLinearizability.check(history.operations(), TIMEOUT).passed());
    }

    @Test
    void anUnknownWriteMayHaveHappenedAndAFailedOneDidNot() {
        history.invoke(0, "put", "{\"key\":\"k0\",\"value\":\"v1\"}").unknown("timeout");
        history.invoke(1, "put", "{\"key\":\"k0\",\"value\":\"v2\"}").fail("unavailable");
        history.invoke(2, "get", "{\"key\":\"k0\"}").ok("{\"key\":\"k0\",\"value\":\"v1\"}");
        history.invoke(3, "get", "{\"key\":\"k0\"}").unknown("timeout");
        assertEquals(2, KvLinearizability.toChecker(history.operations()).size(),
                "the failed put and the unknown read are left out");
        assertTrue(KvLinearizability.check(history.operations(), TIMEOUT).passed());

        History failedWrite = new History();
        failedWrite.invoke(1, "put", "{\"key\":\"k0\",\"value\":\"v2\"}").fail("unavailable");
        failedWrite.invoke(2, "get", "{\"key\":\"k0\"}").ok("{\"key\":\"k0\",\"value\":\"v2\"}");
        assertFalse(KvLinearizability.check(failedWrite.operations(), TIMEOUT).passed(),
                "a value written only by a failed put cannot be read");
    }
}
