package io.chronon.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target for proxies: records every byte it receives (all connections together), optionally echoes
 * them, and optionally sends a {@code 'T'} every 20 ms on every connection, unasked.
 */
final class TestServer implements AutoCloseable {

    private final ServerSocket server;
    private final boolean echo;
    private final boolean tick;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TestServer(boolean echo, boolean tick) throws IOException {
        this.echo = echo;
        this.tick = tick;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("test-server-accept").start(this::acceptLoop);
    }

    static TestServer echo() throws IOException {
        return new TestServer(true, false);
    }

    static TestServer ticker() throws IOException {
        return new TestServer(false, true);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    int accepted() {
        return accepted.get();
    }

    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
                if (tick) {
                    Thread.ofVirtual().start(() -> tick(socket));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (received) {
                    received.write(buffer, 0, n);
                }
                if (echo) {
                    synchronized (socket) {
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (IOException ignored) {
            // the connection broke: that is what proxies are for
        }
    }

    private void tick(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            while (!socket.isClosed()) {
                synchronized (socket) {
                    out.write('T');
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException ignored) {
            // done
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
