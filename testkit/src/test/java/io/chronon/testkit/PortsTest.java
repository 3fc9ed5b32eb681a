package io.chronon.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void portsAreBindableDistinctAndBelowTheEphemeralRange() throws IOException {
        Set<Integer> seen = new HashSet<>();
        for (int round = 0; round < 20; round++) {
            for (int port : Ports.free(3)) {
                assertTrue(port < Ports.ephemeralStart(), port + " lies in the kernel's ephemeral range");
                assertTrue(seen.add(port), port + " was handed out twice");
            }
        }
        assertEquals(60, seen.size());
        int port = Ports.free();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }
}
