package io.chronon.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NodeProcessTest {

    private static NodeSpec.Builder testNode(String name, Path dir) {
        return NodeSpec.builder(name)
                .mainClass(System.getProperty("java.class.path"), TestNodeMain.class.getName())
                .maxHeap("64m")
                .jvmArg("-XX:+UseSerialGC")
                .jvmArg("-XX:TieredStopAtLevel=1")
                .nodeId(0)
                .dataDir(dir.resolve("data"))
                .logFile(dir.resolve(name + ".log"));
    }

    @Test
    void startPauseResumeKillRestart(@TempDir Path dir) throws Exception {
        NodeSpec spec = testNode("node-0", dir).httpPort(Ports.free()).build();
        try (NodeProcess node = new NodeProcess(spec)) {
            node.start();
            node.awaitHttp("/ready", 200, Duration.ofSeconds(20));
            long firstPid = node.pid();
            assertEquals(ProcessHandle.current().pid(), ProcessHandle.of(firstPid).orElseThrow().parent()
                    .orElseThrow().pid(), "java is exec'd directly, no shell in between");
            assertEquals(404, node.httpStatus("/missing", Duration.ofSeconds(5)));
            assertThrows(IllegalStateException.class, node::start);

            node.pause();
            assertTrue(node.isPaused());
            assertTrue(node.isAlive());
            assertThrows(HttpTimeoutException.class, () -> node.httpStatus("/ready", Duration.ofMillis(500)));
            AssertionError timedOut = assertThrows(AssertionError.class,
                    () -> node.awaitHttp("/ready", 200, Duration.ofMillis(300)));
            assertTrue(timedOut.getMessage().contains("listening on"), timedOut.getMessage());

            node.resume();
            assertFalse(node.isPaused());
            node.awaitHttp("/ready", 200, Duration.ofSeconds(10));

            node.kill();
            assertFalse(node.isAlive());
            assertEquals(OptionalInt.of(137), node.exitValue(), "SIGKILL");
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
            assertThrows(IOException.class, () -> node.httpStatus("/ready", Duration.ofSeconds(2)));
            assertThrows(IllegalStateException.class, node::pause);

            node.restart();
            node.awaitHttp("/ready", 200, Duration.ofSeconds(20));
            assertNotEquals(firstPid, node.pid());
            assertEquals(2, node.starts());

            node.pause();
            node.kill(); // SIGKILL reaches a stopped process
            assertEquals(OptionalInt.of(137), node.exitValue());
        }

        String log = Files.readString(spec.logFile());
        List<String> lines = log.lines().toList();
        assertEquals(2, lines.stream().filter(l -> l.startsWith(NodeProcess.MARKER + " start #")).count(), log);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(NodeProcess.MARKER + " start #2 of node-0: ")
                && l.contains(" -Dchronon.data-dir=" + dir.resolve("data").toAbsolutePath() + " ")), log);
        assertEquals(2, lines.stream().filter(l -> l.startsWith(NodeProcess.MARKER + " SIGKILL")).count(), log);
        assertEquals(2, lines.stream().filter(l -> l.startsWith(NodeProcess.MARKER + " SIGSTOP")).count(), log);
        assertEquals(1, lines.stream().filter(l -> l.startsWith(NodeProcess.MARKER + " SIGCONT")).count(), log);
        assertEquals(2, lines.stream().filter(l -> l.startsWith("test node 0 listening on")).count(), log);
        assertEquals(2, lines.stream().filter(l -> l.equals("test node stderr line")).count(), log);
        int firstStart = lines.indexOf(lines.stream().filter(l -> l.contains(" start #1 ")).findFirst().orElseThrow());
        int firstOutput = lines.indexOf(lines.stream().filter(l -> l.startsWith("test node 0")).findFirst().orElseThrow());
        assertTrue(firstStart < firstOutput, log);
    }

    @Test
    void awaitHttpFailsFastWithTheLogWhenTheNodeExits(@TempDir Path dir) {
        NodeSpec spec = testNode("quitter", dir).httpPort(Ports.free()).arg("exit").build();
        try (NodeProcess node = NodeProcess.start(spec)) {
            long start = System.nanoTime();
            AssertionError error = assertThrows(AssertionError.class,
                    () -> node.awaitHttp("/ready", 200, Duration.ofSeconds(30)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos());
            assertTrue(error.getMessage().contains("exit value 3"), error.getMessage());
            assertTrue(error.getMessage().contains("test node exits on purpose"), error.getMessage());
            assertEquals(OptionalInt.of(3), node.exitValue());
        }
    }

    @Test
    void logTailReadsTheEnd(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.log");
        Files.write(file, IntStream.range(0, 20_000).mapToObj(i -> "line " + i).toList());
        assertEquals(List.of("line 19997", "line 19998", "line 19999"), NodeProcess.tail(file, 3));
        assertEquals(5_000, NodeProcess.tail(file, 5_000).size());
        assertEquals("line 15000", NodeProcess.tail(file, 5_000).getFirst());
        assertEquals(20_000, NodeProcess.tail(file, 100_000).size());
        assertEquals(List.of(), NodeProcess.tail(dir.resolve("absent.log"), 3));
        NodeProcess never = new NodeProcess(NodeSpec.builder("never").mainClass("x", "y").logFile(file).build());
        assertEquals("line 19998\nline 19999", never.logTail(2));
        assertThrows(IllegalStateException.class, never::pid);
        never.close();
    }
}
