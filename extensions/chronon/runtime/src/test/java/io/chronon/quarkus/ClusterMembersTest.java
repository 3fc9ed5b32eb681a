package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.LaunchMode;
import org.junit.jupiter.api.Test;

/** The start-up refusals of a membership that cannot work. */
class ClusterMembersTest {

    private static String refusal(List<String> members, int self, int httpPort) {
        return assertThrows(IllegalStateException.class,
                () -> ClusterMembers.from(Optional.of(members), self, httpPort)).getMessage();
    }

    @Test
    void withoutMembersTheNodeIsAClusterOfOne() {
        ClusterMembers members = ClusterMembers.from(Optional.empty(), 0, 8080);
        assertEquals(List.of("localhost:8080"), members.addresses());
    }

    @Test
    void threeMembersWithThisNodesPortAreAccepted() {
        ClusterMembers members = ClusterMembers.from(Optional.of(List.of("a:7001", " b:7002", "c:7003")), 1, 7002);
        assertEquals(List.of("a:7001", "b:7002", "c:7003"), members.addresses());
        assertEquals(1, members.self());
    }

    @Test
    void anEvenMemberCountIsRefused() {
        assertTrue(refusal(List.of("a:1", "b:2"), 0, 1).contains("1, 3, 5 or 7"));
        assertTrue(refusal(List.of("a:1", "b:2", "c:3", "d:4"), 0, 1).contains("odd number"));
    }

    @Test
    void aNodeIdOutsideTheMembersIsRefused() {
        assertTrue(refusal(List.of("a:1", "b:2", "c:3"), 3, 1).contains("chronon.node-id=3"));
    }

    @Test
    void aPortOtherThanTheHttpPortIsRefused() {
        String message = refusal(List.of("a:7001", "b:7002", "c:7003"), 0, 8080);
        assertTrue(message.contains("a:7001") && message.contains("quarkus.http.port is 8080"), message);
    }

    @Test
    void anEntryThatIsNotHostAndPortIsRefused() {
        assertTrue(refusal(List.of("a:7001", "b", "c:7003"), 0, 7001).contains("'b' is not host:port"));
        assertTrue(refusal(List.of("a:7001", "b:99999", "c:7003"), 0, 7001).contains("'b:99999'"));
    }

    @Test
    void aStatefulSetPodDerivesItsIdFromItsOrdinalAndTheMembersFromThePodNames() {
        ClusterMembers members = ClusterMembers.statefulSet(Optional.of(3), Optional.of("chronon-peers"),
                Optional.empty(), Optional.empty(), "chronon-2", 8080);
        assertEquals(2, members.self());
        assertEquals(List.of("chronon-0.chronon-peers:8080", "chronon-1.chronon-peers:8080",
                "chronon-2.chronon-peers:8080"), members.addresses());
        ClusterMembers qualified = ClusterMembers.statefulSet(Optional.of(3), Optional.of("peers"), Optional.of("bank"),
                Optional.of(0), "my-chronon-0", 9000);
        assertEquals(0, qualified.self());
        assertEquals("my-chronon-1.peers.bank.svc.cluster.local:9000", qualified.addresses().get(1));
    }

    private static String statefulSetRefusal(Optional<Integer> replicas, Optional<String> service,
                                             Optional<Integer> podIndex, String hostName) {
        return assertThrows(IllegalStateException.class, () -> ClusterMembers.statefulSet(replicas, service,
                Optional.empty(), podIndex, hostName, 8080)).getMessage();
    }

    @Test
    void aStatefulSetWithAnEvenOrMissingReplicaCountIsRefused() {
        assertTrue(statefulSetRefusal(Optional.of(4), Optional.of("s"), Optional.empty(), "c-0").contains("replicaCount"));
        assertTrue(statefulSetRefusal(Optional.empty(), Optional.of("s"), Optional.empty(), "c-0")
                .contains("CHRONON_REPLICAS"));
        assertTrue(statefulSetRefusal(Optional.of(3), Optional.empty(), Optional.empty(), "c-0")
                .contains("CHRONON_SERVICE"));
    }

    @Test
    void aPodWithoutAnOrdinalOrBeyondTheReplicaCountIsRefused() {
        assertTrue(statefulSetRefusal(Optional.of(3), Optional.of("s"), Optional.empty(), "laptop")
                .contains("'laptop'"));
        assertTrue(statefulSetRefusal(Optional.of(3), Optional.of("s"), Optional.of(1), "c-2")
                .contains("CHRONON_POD_INDEX=1"));
        assertTrue(statefulSetRefusal(Optional.of(3), Optional.of("s"), Optional.empty(), "c-3")
                .contains("not a membership change"));
    }

    @Test
    void anInProcessClusterRunsInDevAndTestModeOnly() {
        assertEquals(3, ClusterMembers.inProcess(3, LaunchMode.DEVELOPMENT).size());
        assertEquals(5, ClusterMembers.inProcess(5, LaunchMode.TEST).size());
        assertTrue(assertThrows(IllegalStateException.class, () -> ClusterMembers.inProcess(3, LaunchMode.NORMAL))
                .getMessage().contains("dev and test mode only"));
        assertThrows(IllegalStateException.class, () -> ClusterMembers.inProcess(4, LaunchMode.DEVELOPMENT));
    }
}
