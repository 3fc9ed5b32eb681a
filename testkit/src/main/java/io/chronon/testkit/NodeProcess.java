package io.chronon.testkit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One node as a child JVM, exec'd directly (no shell in between, so signals reach the JVM itself).
 *
 * <p>The child's stdout and stderr are appended to {@link NodeSpec#logFile()}, across restarts. The
 * kit writes its own lines into the same file, each beginning with {@value #MARKER}: one before every
 * start (with the start number and the command line) and one after every SIGKILL, SIGSTOP and
 * SIGCONT, so a log reads as the story of the node. The kit never empties the file: a test that
 * searches a log for what it observed must give each run a path of its own (a fresh directory, say),
 * or it may find an earlier run's lines there.
 *
 * <p>Not meant for concurrent use by several test threads except {@link #isAlive()}, {@link #pid()},
 * {@link #logTail(int)} and the HTTP probes, which are safe from any thread. Children still alive when
 * the test JVM exits are killed by a shutdown hook (a JVM killed with SIGKILL cannot do that).
 */
public final class NodeProcess implements AutoCloseable {

    /** The prefix of every line the kit writes into a node's log. */
    public static final String MARKER = "=== chronon-testkit:";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "chronon-testkit-reaper"));
    }

    private final NodeSpec spec;
    private final HttpClient http;
    private volatile Process process;
    private volatile boolean paused;
    private int starts;

    public NodeProcess(NodeSpec spec) {
        this.spec = Objects.requireNonNull(spec);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    /** A new node, started. */
    public static NodeProcess start(NodeSpec spec) {
        return new NodeProcess(spec).start();
    }

    public NodeSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Path logFile() {
        return spec.logFile();
    }

    /** How many times this node was started. */
    public synchronized int starts() {
        return starts;
    }

    /**
     * Launches the child. Writes a marker line with the start number and the command first.
     *
     * @throws IllegalStateException if it is running
     * @throws UncheckedIOException  if the log cannot be written or java cannot be exec'd
     */
    public synchronized NodeProcess start() {
        if (isAlive()) {
            throw new IllegalStateException("node " + spec.name() + " is already running as pid " + pid());
        }
        List<String> command = spec.command();
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        if (spec.workDir() != null) {
            builder.directory(spec.workDir().toFile());
        }
        builder.environment().putAll(spec.environment());
        try {
            Path parent = logFile().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            starts++;
            mark("start #" + starts + " of " + spec.name() + ": " + String.join(" ", command));
            Process started = builder.start();
            started.getOutputStream().close(); // no stdin: the node reads EOF
            LIVE.add(started);
            started.onExit().thenRun(() -> LIVE.remove(started));
            process = started;
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + spec.name() + " with " + command, e);
        }
        return this;
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()}, which is SIGKILL on Linux and macOS; it works on a
     * paused process too), then waits for the exit. Does nothing if the node is not running.
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        boolean exited;
        try {
            exited = p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing node " + spec.name(), e);
        }
        if (!exited) {
            throw new IllegalStateException("node " + spec.name() + " (pid " + p.pid()
                    + ") did not exit within 30 s of SIGKILL");
        }
        paused = false;
        mark("SIGKILL " + spec.name() + " pid " + p.pid() + ", exit value " + p.exitValue());
    }

    /** SIGSTOP: the JVM freezes whole (every thread, its timers, its sockets stay open but silent). */
    public synchronized void pause() {
        long pid = requireAlive("pause");
        signal("-STOP", pid);
        paused = true;
        mark("SIGSTOP " + spec.name() + " pid " + pid);
    }

    /** SIGCONT: undoes {@link #pause()}. */
    public synchronized void resume() {
        long pid = requireAlive("resume");
        mark("SIGCONT " + spec.name() + " pid " + pid);
        signal("-CONT", pid);
        paused = false;
    }

    /** {@link #kill()} if running, then {@link #start()} with the same spec: same arguments, same data dir. */
    public synchronized NodeProcess restart() {
        kill();
        return start();
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Whether the node is stopped by {@link #pause()} and not yet resumed or killed. */
    public boolean isPaused() {
        return paused && isAlive();
    }

    /** The pid of the current (or last) child. */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("node " + spec.name() + " was never started");
        }
        return p.pid();
    }

    /** The last child's exit value (137 after a SIGKILL), empty while it runs or before the first start. */
    public OptionalInt exitValue() {
        Process p = process;
        return p == null || p.isAlive() ? OptionalInt.empty() : OptionalInt.of(p.exitValue());
    }

    /** The node's URI for a path, {@code http://127.0.0.1:<httpPort><path>}. */
    public URI uri(String path) {
        if (spec.httpPort() == 0) {
            throw new IllegalStateException("node " + spec.name() + " has no http port");
        }
        return URI.create("http://" + spec.httpHost() + ":" + spec.httpPort() + (path.startsWith("/") ? path : "/" + path));
    }

    /**
     * One GET of the path; the status code.
     *
     * @throws java.net.http.HttpTimeoutException when no answer came within the timeout (a paused node)
     * @throws IOException                        when the connection failed (a dead node)
     */
    public int httpStatus(String path, Duration timeout) throws IOException {
        return get(path, timeout).statusCode();
    }

    /** One GET of the path; the body as text, whatever the status. */
    public HttpResponse<String> get(String path, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during GET " + request.uri());
        }
    }

    /**
     * Polls GET {@code path} until it answers {@code expectedStatus}.
     *
     * @throws AssertionError when the timeout passes or the process exits first; the message holds the
     *                        last answer or error and the tail of the node's log
     */
    public void awaitHttp(String path, int expectedStatus, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (true) {
            if (!isAlive()) {
                throw new AssertionError("node " + spec.name() + " is not running (exit value "
                        + exitValue().stream().mapToObj(Integer::toString).findFirst().orElse("none")
                        + ") while waiting for GET " + path + " to answer " + expectedStatus
                        + "; last: " + last + "\n" + logTailForMessage());
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("node " + spec.name() + ": GET " + path + " did not answer "
                        + expectedStatus + " within " + timeout + "; last: " + last + "\n" + logTailForMessage());
            }
            try {
                Duration attempt = Duration.ofNanos(Math.min(remaining, TimeUnit.SECONDS.toNanos(1)));
                int status = httpStatus(path, attempt.isZero() ? Duration.ofMillis(1) : attempt);
                if (status == expectedStatus) {
                    return;
                }
                last = "status " + status;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("interrupted while waiting for node " + spec.name(), e);
                }
                last = e.toString();
            }
            try {
                Thread.sleep(Math.max(0, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for node " + spec.name(), e);
            }
        }
    }

    /** The last {@code lines} lines of the node's log (fewer if it is shorter), joined by newlines. */
    public String logTail(int lines) {
        return String.join("\n", tail(logFile(), lines));
    }

    private String logTailForMessage() {
        return "--- last 40 lines of " + logFile() + " ---\n" + logTail(40) + "\n---";
    }

    /** Kills the node (if running) and releases the HTTP client. */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            http.shutdownNow();
        }
    }

    @Override
    public String toString() {
        Process p = process;
        return "NodeProcess[" + spec.name() + (p == null ? ", never started" : ", pid " + p.pid()
                + (p.isAlive() ? (paused ? ", paused" : ", running") : ", exited " + p.exitValue())) + "]";
    }

    private long requireAlive(String action) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("cannot " + action + " node " + spec.name() + ": not running");
        }
        return p.pid();
    }

    /** Exec's {@code kill <signal> <pid>} (not a shell) and checks its exit code. */
    private void signal(String signal, long pid) {
        ProcessBuilder builder = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true);
        try {
            Process kill = builder.start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill " + signal + " " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " (node " + spec.name()
                        + ") exited with " + kill.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot exec kill " + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during kill " + signal + " " + pid, e);
        }
    }

    /**
     * Appends a marker line. Safe beside the child's own output: both append (O_APPEND), and the kit
     * writes only when the child is not yet running, stopped, or dead.
     */
    private void mark(String what) {
        String line = MARKER + " " + what + " at " + Instant.now() + " ===" + System.lineSeparator();
        try {
            Files.writeString(logFile(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + logFile(), e);
        }
    }

    /** The last {@code lines} lines of a file, read from its end. */
    static List<String> tail(Path file, int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines " + lines);
        }
        if (lines == 0) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int window = 8192;
            while (true) {
                long from = Math.max(0, length - window);
                byte[] bytes = new byte[(int) (length - from)];
                raf.seek(from);
                raf.readFully(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                List<String> all = new ArrayList<>(text.lines().toList());
                boolean whole = from == 0;
                if (!whole && !all.isEmpty()) {
                    all.removeFirst(); // probably cut in the middle
                }
                if (whole || all.size() >= lines || window >= (1 << 26)) {
                    return Collections.unmodifiableList(all.subList(Math.max(0, all.size() - lines), all.size()));
                }
                window *= 4;
            }
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
