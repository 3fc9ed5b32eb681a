package io.chronon.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A headless Chromium (Debian's {@code chromium} package) driven over the Chrome DevTools Protocol
 * from the JDK's WebSocket client: navigate, evaluate JavaScript in the page, wait for a condition,
 * take a screenshot. No browser download, no Node. A missing Chromium fails the test and says how to
 * install it.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final String session;

    private HeadlessChromium(Process process, WebSocket socket, Listener listener) throws Exception {
        this.process = process;
        this.socket = socket;
        listener.owner = this;
        String target = call(null, "Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
                .get("targetId").asText();
        session = call(null, "Target.attachToTarget", JSON.createObjectNode().put("targetId", target)
                .put("flatten", true)).get("sessionId").asText();
        call(session, "Page.enable", JSON.createObjectNode());
    }

    static HeadlessChromium start(Path userDataDir) throws Exception {
        String binary = System.getenv().getOrDefault("CHRONON_CHROMIUM", "chromium");
        Process process;
        try {
            process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--window-size=1400,900", "--remote-debugging-port=0", "--user-data-dir=" + userDataDir, "about:blank")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("the dashboard test needs Chromium ('" + binary + "'): apt-get install"
                    + " chromium (or set CHRONON_CHROMIUM): " + e.getMessage(), e);
        }
        String endpoint = null;
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (endpoint == null && System.nanoTime() < deadline) {
            String line = output.readLine();
            if (line == null) {
                break;
            }
            int at = line.indexOf("ws://");
            if (line.contains("DevTools listening on") && at >= 0) {
                endpoint = line.substring(at).trim();
            }
        }
        if (endpoint == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not open its DevTools endpoint");
        }
        Thread.ofPlatform().daemon().start(() -> output.lines().forEach(line -> { }));
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(endpoint), listener).get(10, TimeUnit.SECONDS);
        return new HeadlessChromium(process, socket, listener);
    }

    /** One DevTools command; its result. */
    private JsonNode call(String sessionId, String method, ObjectNode params) throws Exception {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }

    void navigate(String url) throws Exception {
        call(session, "Page.navigate", JSON.createObjectNode().put("url", url));
        waitFor("document.readyState === 'complete'", Duration.ofSeconds(30));
    }

    /** Evaluates an expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call(session, "Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("awaitPromise", true).put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Waits until a JavaScript condition holds in the page. */
    void waitFor(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate("Boolean(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never showed: " + condition + "\n" + evaluate("document.body.innerText"));
            }
            Thread.sleep(100);
        }
    }

    void screenshot(Path file) throws Exception {
        JsonNode shot = call(session, "Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() {
        socket.abort();
        process.destroyForcibly();
    }

    /** Collects the fragments of each DevTools message and completes the call it answers. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode parsed = JSON.readTree(message.toString());
                    if (parsed.has("id") && owner != null) {
                        CompletableFuture<JsonNode> answer = owner.pending.remove(parsed.get("id").asLong());
                        if (answer != null) {
                            answer.complete(parsed);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent what is not JSON", e);
                }
                message.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
