package io.chronon.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A node's REST API played by a real HTTP server on a free port, scripted per path: each request
 * takes the next scripted reply for its path, or, once the script runs out, the path's standing
 * reply (404 if none). Every request is recorded, so tests can check what the client sent.
 */
final class FakeNode implements AutoCloseable {

    /** A scripted reply; {@link #HANG_UP} closes the connection without answering. */
    record Reply(int status, String body, Map<String, String> headers) {
        static final Reply HANG_UP = new Reply(-1, "", Map.of());

        static Reply of(int status, String body) {
            return new Reply(status, body, Map.of());
        }

        static Reply of(int status, String body, String header, String value) {
            return new Reply(status, body, Map.of(header, value));
        }
    }

    /** A request as the node received it. */
    record Request(String method, String path, String query, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Reply> standing = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeNode start() throws IOException {
        return new FakeNode();
    }

    /** A base URL nothing listens on: connecting to it is refused. */
    static String unreachableUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://" + socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
        }
    }

    String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    String url() {
        return "http://" + address();
    }

    /** Answers the next request to {@code path} that finds no earlier scripted reply with {@code reply}. */
    FakeNode then(String path, Reply reply) {
        synchronized (scripts) {
            scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).add(reply);
        }
        return this;
    }

    /** Answers every request to {@code path} that finds no scripted reply with {@code reply}. */
    FakeNode always(String path, Reply reply) {
        standing.put(path, reply);
        return this;
    }

    /** The requests received for {@code path}, in order. */
    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                headers, body));
        Reply reply;
        synchronized (scripts) {
            Deque<Reply> script = scripts.get(path);
            reply = script != null && !script.isEmpty() ? script.poll()
                    : standing.getOrDefault(path, Reply.of(404, "{\"error\":\"no route\"}"));
        }
        if (reply == Reply.HANG_UP) {
            exchange.close(); // before any response headers: the server drops the connection
            return;
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
