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
    private static final ChrononConfig.Discovery STATIC = ChrononConfig.Discovery.STATIC;

    private static String refusal(List<String> members, int self, int httpPort) {
        return assertThrows(IllegalStateException.class,
                () -> ClusterMembers.from(Optional.of(members), self, STATIC, httpPort)).getMessage();
    }

    @Test
    void withoutMembersTheNodeIsAClusterOfOne() {
        ClusterMembers members = ClusterMembers.from(Optional.empty(), 0, STATIC, 8080);
        assertEquals(List.of("localhost:8080"), members.addresses());
    }

    @Test
    void threeMembersWithThisNodesPortAreAccepted() {
        ClusterMembers members = ClusterMembers.from(Optional.of(List.of("a:7001", " b:7002", "c:7003")), 1, STATIC,
                7002);
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
    void discoveryOtherThanStaticIsRefused() {
        assertThrows(IllegalStateException.class, () -> ClusterMembers.from(Optional.empty(), 0,
                ChrononConfig.Discovery.STATEFULSET, 8080));
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
