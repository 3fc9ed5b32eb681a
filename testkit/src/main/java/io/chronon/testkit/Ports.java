package io.chronon.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, for nodes that must be told their ports before they start.
 *
 * <p>A port is free when it is chosen, and the node binds it a moment later. In between, nothing on
 * this machine may take it: so ports come from below the kernel's ephemeral range, which the kernel
 * hands to outgoing connections and to listeners on port 0 (the test kit's own proxies among them),
 * and a port is handed out once per JVM. A port of the ephemeral range was taken by a peer
 * connection before its node bound it, in a CI run.
 */
public final class Ports {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Where the kernel's ephemeral range starts when it cannot be read (Linux's default). */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {}

    /** One free port. */
    public static int free() {
        return free(1)[0];
    }

    /** {@code count} distinct free ports, none of the kernel's ephemeral range, none handed out before. */
    public static int[] free(int count) {
        int end = ephemeralStart();
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = oneBelow(end);
        }
        return ports;
    }

    private static int oneBelow(int end) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            if (HANDED_OUT.add(port)) {
                if (bindable(port)) {
                    return port;
                }
                HANDED_OUT.remove(port);
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + end + " after " + ATTEMPTS
                + " tries");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range. */
    static int ephemeralStart() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return Math.max(LOWEST + 1_000, Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException unreadable) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
