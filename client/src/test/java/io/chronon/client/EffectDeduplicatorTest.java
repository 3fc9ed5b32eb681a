package io.chronon.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EffectDeduplicatorTest {
    @Test
    void aRepeatedEffectIdIsSkippedAndADifferentOneIsNot() {
        EffectDeduplicator deduplicator = new EffectDeduplicator(100);
        assertTrue(deduplicator.firstDelivery("a1"));
        assertFalse(deduplicator.firstDelivery("a1"));
        assertTrue(deduplicator.firstDelivery("b2"));
    }

    @Test
    void itRemembersTheMostRecentIdsUpToItsCapacity() {
        EffectDeduplicator deduplicator = new EffectDeduplicator(2);
        assertTrue(deduplicator.firstDelivery("1"));
        assertTrue(deduplicator.firstDelivery("2"));
        assertTrue(deduplicator.firstDelivery("3"));
        assertFalse(deduplicator.firstDelivery("3"));
        assertTrue(deduplicator.firstDelivery("1"), "the oldest id was forgotten");
        assertThrows(IllegalArgumentException.class, () -> new EffectDeduplicator(0));
    }
}
