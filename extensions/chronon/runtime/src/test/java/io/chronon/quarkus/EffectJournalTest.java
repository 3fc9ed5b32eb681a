package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

import io.chronon.kernel.EffectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in sink: each effect id written once, across reopens and torn writes. */
class EffectJournalTest {
    private static final UUID CLUSTER = new UUID(5, 5);

    @TempDir
    Path directory;

    private static byte[] payload(int i) {
        return ("payload " + i).getBytes(StandardCharsets.UTF_8);
    }

    private int lines() throws IOException {
        return Files.readAllLines(directory.resolve(EffectJournal.FILE_NAME)).size();
    }

    @Test
    void anEffectDeliveredAgainIsWrittenOnceAlsoAfterAReopen() throws IOException {
        EffectId first = EffectId.of(CLUSTER, 7, 0);
        try (EffectJournal journal = EffectJournal.open(directory)) {
            assertTrue(journal.append(first, 2, "statements", payload(1)));
            assertFalse(journal.append(first, 2, "statements", payload(1)), "a redelivery is not written again");
        }
        try (EffectJournal journal = EffectJournal.open(directory)) {
            assertFalse(journal.append(first, 3, "statements", payload(1)), "the id survives a restart");
            assertTrue(journal.append(EffectId.of(CLUSTER, 7, 1), 3, "transfers", payload(2)));
        }
        assertEquals(2, lines());
    }

    @Test
    void aLineTornByACrashIsCutOffAndItsEffectWrittenAgain() throws IOException {
        EffectId kept = EffectId.of(CLUSTER, 1, 0);
        EffectId torn = EffectId.of(CLUSTER, 2, 0);
        try (EffectJournal journal = EffectJournal.open(directory)) {
            journal.append(kept, 1, "statements", payload(1));
            journal.append(torn, 1, "statements", payload(2));
        }
        Path file = directory.resolve(EffectJournal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 6));
        try (EffectJournal journal = EffectJournal.open(directory)) {
            assertFalse(journal.append(kept, 2, "statements", payload(1)));
            assertTrue(journal.append(torn, 2, "statements", payload(2)), "the torn effect was never written");
        }
        assertEquals(2, lines());
    }
}
