package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.chronon.engine.Hash;
import io.chronon.kernel.Outcome;
import io.chronon.kernel.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomeJournalTest {
    @TempDir
    Path directory;

    private static Hash digest(long index) {
        return Hash.sha256(("digest " + index).getBytes(StandardCharsets.UTF_8));
    }

    private static Outcome outcome(long index) {
        return index % 2 == 0 ? new Outcome.Completed(("result " + index).getBytes(StandardCharsets.UTF_8))
                : new Outcome.Rejected(new Rejection("no", "entry " + index));
    }

    @Test
    void recordsAreReadBackInOrderAfterAReopen() {
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            for (long index = 0; index < 1000; index++) {
                journal.append(index, digest(index), outcome(index));
            }
        }
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            assertEquals(999, journal.lastIndex());
            for (long index = 0; index < 1000; index++) {
                assertEquals(new OutcomeJournal.Recorded(index, digest(index), outcome(index)), journal.next());
            }
            assertNull(journal.next());
        }
    }

    @Test
    void aTornTailIsCutOffAndWrittenAgain() throws IOException {
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            for (long index = 0; index < 10; index++) {
                journal.append(index, digest(index), outcome(index));
            }
        }
        Path file = directory.resolve(OutcomeJournal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            assertEquals(8, journal.lastIndex(), "the cut record is gone");
            journal.append(9, digest(9), outcome(9));
        }
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            assertEquals(9, journal.lastIndex());
        }
    }

    @Test
    void truncationDropsAnIndexAndEverythingAfterIt() {
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            for (long index = 0; index < 10; index++) {
                journal.append(index, digest(index), outcome(index));
            }
            journal.truncateAt(4);
            assertEquals(3, journal.lastIndex());
            journal.append(4, digest(40), outcome(4));
        }
        try (OutcomeJournal journal = OutcomeJournal.open(directory)) {
            assertEquals(4, journal.lastIndex());
            for (long index = 0; index < 4; index++) {
                assertEquals(digest(index), journal.next().digest());
            }
            assertEquals(digest(40), journal.next().digest());
        }
    }
}
