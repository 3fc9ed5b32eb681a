package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory remembers the members it was created with; other members are refused. */
class MembershipRecordTest {
    private static final ClusterMembers THREE = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3")), 1, 2);

    @Test
    void aNewDirectoryAcceptsAnyMembersAndRemembersThem(@TempDir Path directory) {
        assertDoesNotThrow(() -> MembershipRecord.check(directory, THREE));
        MembershipRecord.record(directory, THREE);
        assertTrue(Files.exists(directory.resolve(MembershipRecord.FILE)));
        assertDoesNotThrow(() -> MembershipRecord.check(directory, THREE));
    }

    @Test
    void anotherIdOrOtherMembersAreRefusedWithTheRecordedOnes(@TempDir Path directory) {
        MembershipRecord.record(directory, THREE);
        ClusterMembers otherId = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3")), 2, 3);
        String message = assertThrows(IllegalStateException.class, () -> MembershipRecord.check(directory, otherId))
                .getMessage();
        assertTrue(message.contains("belongs to replica 1 of [a:1,b:2,c:3]") && message.contains("replica 2 of"),
                message);
        ClusterMembers five = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3", "d:4", "e:5")), 1, 2);
        assertThrows(IllegalStateException.class, () -> MembershipRecord.check(directory, five));
    }

    @Test
    void aReplicaAloneMayChangeItsAddressButNotBecomeOneOfThree(@TempDir Path directory) {
        MembershipRecord.record(directory, ClusterMembers.from(Optional.empty(), 0, 8080));
        assertDoesNotThrow(() -> MembershipRecord.check(directory, ClusterMembers.from(Optional.empty(), 0, 9090)));
        ClusterMembers three = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3")), 0, 1);
        assertTrue(assertThrows(IllegalStateException.class, () -> MembershipRecord.check(directory, three))
                .getMessage().contains("membership change"));
    }
}
