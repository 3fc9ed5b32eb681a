package io.chronon.quarkus;

import static io.chronon.quarkus.ChrononConfig.Discovery.STATEFULSET;
import static io.chronon.quarkus.ChrononConfig.Discovery.STATIC;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertDoesNotThrow(() -> MembershipRecord.check(directory, THREE, STATIC));
        MembershipRecord.record(directory, THREE);
        assertTrue(Files.exists(directory.resolve(MembershipRecord.FILE)));
        assertDoesNotThrow(() -> MembershipRecord.check(directory, THREE, STATIC));
    }

    @Test
    void anotherIdOrOtherMembersAreRefusedWithTheRecordedOnes(@TempDir Path directory) {
        MembershipRecord.record(directory, THREE);
        ClusterMembers otherId = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3")), 2, 3);
        String message = assertThrows(IllegalStateException.class,
                () -> MembershipRecord.check(directory, otherId, STATIC)).getMessage();
        assertTrue(message.contains("belongs to replica 1 of [a:1,b:2,c:3]") && message.contains("replica 2 of"),
                message);
        assertTrue(message.contains("original chronon.node-id and chronon.members"), message);
        ClusterMembers five = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3", "d:4", "e:5")), 1, 2);
        assertThrows(IllegalStateException.class, () -> MembershipRecord.check(directory, five, STATIC));
    }

    @Test
    void aPodOfAStatefulSetScaledFromThreeToFiveIsRefusedNamingWhatItsMembersCameFrom(@TempDir Path directory) {
        MembershipRecord.record(directory, pod(3));
        assertDoesNotThrow(() -> MembershipRecord.check(directory, pod(3), STATEFULSET));
        String message = assertThrows(IllegalStateException.class,
                () -> MembershipRecord.check(directory, pod(5), STATEFULSET)).getMessage();
        assertTrue(message.contains("belongs to replica 1 of [chronon-0.chronon-headless.bank.svc.cluster.local:8080,"),
                message);
        assertTrue(message.contains("chronon-4.chronon-headless.bank.svc.cluster.local:8080]"), message);
        assertTrue(message.contains("membership change, which Chronon does not support yet"), message);
        for (String setting : List.of("CHRONON_REPLICAS=3", "replicaCount", "CHRONON_SERVICE", "CHRONON_NAMESPACE",
                "quarkus.http.port", "service.port")) {
            assertTrue(message.contains(setting), setting + " not named: " + message);
        }
        assertFalse(message.contains("chronon.members"), "no member list to restore with StatefulSet discovery: "
                + message);
    }

    /** Pod chronon-1 of a StatefulSet of {@code replicas}, as chronon.discovery=statefulset derives its members. */
    private static ClusterMembers pod(int replicas) {
        return ClusterMembers.statefulSet(Optional.of(replicas), Optional.of("chronon-headless"), Optional.of("bank"),
                Optional.of(1), "chronon-1", 8080);
    }

    @Test
    void aReplicaAloneMayChangeItsAddressButNotBecomeOneOfThree(@TempDir Path directory) {
        MembershipRecord.record(directory, ClusterMembers.from(Optional.empty(), 0, 8080));
        assertDoesNotThrow(() -> MembershipRecord.check(directory, ClusterMembers.from(Optional.empty(), 0, 9090), STATIC));
        ClusterMembers three = ClusterMembers.from(Optional.of(List.of("a:1", "b:2", "c:3")), 0, 1);
        assertTrue(assertThrows(IllegalStateException.class, () -> MembershipRecord.check(directory, three, STATIC))
                .getMessage().contains("membership change"));
    }
}
