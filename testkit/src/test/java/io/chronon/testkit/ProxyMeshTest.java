package io.chronon.testkit;

import io.chronon.testkit.LinkProxy.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ProxyMeshTest {

    private static List<InetSocketAddress> addresses(int... ports) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (int port : ports) {
            list.add(new InetSocketAddress("127.0.0.1", port));
        }
        return list;
    }

    @Test
    void dialAddressesOfNodeZeroPointAtItsOwnProxies() {
        List<InetSocketAddress> peers = addresses(7001, 7002, 7003);
        try (ProxyMesh mesh = ProxyMesh.start(peers, 1)) {
            assertEquals(3, mesh.size());
            assertEquals(6, mesh.links().size());
            String expected = "1=127.0.0.1:" + mesh.link(0, 1).port() + ",2=127.0.0.1:" + mesh.link(0, 2).port();
            assertEquals(expected, mesh.dialAddresses(0));
            assertTrue(mesh.dialAddresses(0).matches("1=127\\.0\\.0\\.1:\\d+,2=127\\.0\\.0\\.1:\\d+"));
            assertEquals(peers.get(1), mesh.link(0, 1).target());
            assertEquals(peers.get(2), mesh.link(0, 2).target());
            assertEquals(peers.get(0), mesh.link(2, 0).target());
            assertTrue(mesh.dialAddresses(2).startsWith("0=127.0.0.1:" + mesh.link(2, 0).port() + ",1="));
            assertEquals(6, mesh.links().stream().mapToInt(LinkProxy::port).distinct().count());
            assertThrows(IllegalArgumentException.class, () -> mesh.link(1, 1));
            assertThrows(IllegalArgumentException.class, () -> mesh.dialAddresses(3));
        }
    }

    @Test
    void partitionCutsTheCrossingLinksOnly() throws Exception {
        try (TestServer n0 = TestServer.echo(); TestServer n1 = TestServer.echo(); TestServer n2 = TestServer.echo();
             ProxyMesh mesh = ProxyMesh.start(List.of(n0.address(), n1.address(), n2.address()), 2)) {
            mesh.partition(Set.of(0));
            for (int from = 0; from < 3; from++) {
                for (int to = 0; to < 3; to++) {
                    if (from == to) {
                        continue;
                    }
                    boolean crossing = from == 0 || to == 0;
                    assertEquals(crossing, mesh.link(from, to).isCut(Direction.BOTH), from + "->" + to);
                    assertEquals(crossing, mesh.link(from, to).isCut(Direction.FORWARD), from + "->" + to);
                }
            }
            assertTrue(echoes(mesh.link(1, 2)), "1->2 stays up");
            assertTrue(echoes(mesh.link(2, 1)), "2->1 stays up");
            assertFalse(echoes(mesh.link(1, 0)), "1->0 is cut");
            assertFalse(echoes(mesh.link(0, 2)), "0->2 is cut");

            mesh.heal();
            mesh.links().forEach(l -> assertFalse(l.isCut(Direction.FORWARD) || l.isCut(Direction.BACKWARD)));
            assertTrue(echoes(mesh.link(0, 2)), "0->2 healed");
        }
    }

    @Test
    void isolateAndOneWayCuts() {
        try (ProxyMesh mesh = ProxyMesh.start(addresses(7001, 7002, 7003, 7004, 7005), 3)) {
            mesh.isolate(4);
            for (LinkProxy link : mesh.links()) {
                boolean touches4 = link.name().startsWith("4->") || link.name().endsWith("->4");
                assertEquals(touches4, link.isCut(Direction.BOTH), link.name());
            }
            mesh.heal();

            mesh.cutOneWay(0, 1);
            assertTrue(mesh.link(0, 1).isCut(Direction.FORWARD));
            assertFalse(mesh.link(0, 1).isCut(Direction.BACKWARD));
            assertTrue(mesh.link(1, 0).isCut(Direction.BACKWARD));
            assertFalse(mesh.link(1, 0).isCut(Direction.FORWARD));
            long cutLinks = mesh.links().stream()
                    .filter(l -> l.isCut(Direction.FORWARD) || l.isCut(Direction.BACKWARD)).count();
            assertEquals(2, cutLinks);

            mesh.cutOneWay(1, 0); // both one-way cuts make a two-way cut
            assertTrue(mesh.link(0, 1).isCut(Direction.BOTH));
            assertTrue(mesh.link(1, 0).isCut(Direction.BOTH));
            assertThrows(IllegalArgumentException.class, () -> mesh.partition(Set.of(5)));
        }
    }

    /** Whether one byte sent through the link comes back within 400 ms. */
    private static boolean echoes(LinkProxy link) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", link.port())) {
            socket.setSoTimeout(400);
            socket.getOutputStream().write('e');
            try {
                return socket.getInputStream().read() == 'e';
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }
}
