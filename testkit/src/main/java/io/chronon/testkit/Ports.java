package io.chronon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1, for nodes that must be told their ports before they start. A port is
 * free when asked; another process may take it before the node binds it (rare with ephemeral ports,
 * which the kernel hands out in rotation).
 */
public final class Ports {

    private Ports() {}

    /** One free port. */
    public static int free() {
        return free(1)[0];
    }

    /** {@code count} distinct free ports (all held open together while choosing, so they differ). */
    public static int[] free(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it was only a probe
                }
            }
        }
    }
}
