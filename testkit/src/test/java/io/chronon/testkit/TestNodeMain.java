package io.chronon.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in node for {@link NodeProcessTest}: serves {@code GET /ready} (200) on
 * {@code quarkus.http.port} until killed, and writes a line to stdout and one to stderr. With the
 * argument {@code exit} it exits at once with status 3 instead.
 */
public final class TestNodeMain {

    private TestNodeMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("exit")) {
            System.out.println("test node exits on purpose");
            System.exit(3);
        }
        int port = Integer.parseInt(System.getProperty(NodeSpec.HTTP_PORT));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/ready", exchange -> {
            byte[] body = "ready".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("test node " + System.getProperty(NodeSpec.NODE_ID) + " listening on " + port
                + " with data dir " + System.getProperty(NodeSpec.DATA_DIR));
        System.err.println("test node stderr line");
    }
}
