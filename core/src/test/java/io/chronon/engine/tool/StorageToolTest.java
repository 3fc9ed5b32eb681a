package io.chronon.engine.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class StorageToolTest {
    private static final String SEGMENT = "log-0000000000000000.seg";

    private record Run(int status, String output) {}

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = StorageTool.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Path freshDirectory() throws IOException {
        Path directory = Path.of("target", "test-data", "tool-" + UUID.randomUUID());
        Files.createDirectories(directory.getParent());
        return directory;
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) ~one.get(0)).rewind();
            channel.write(one, position);
        }
    }

    @Test
    void demoWritesAndVerifiesAndDumpShowsEntries() throws IOException {
        Path directory = freshDirectory();
        Run demo = run("demo", directory.toString(), "--entries", "500", "--batch", "16", "--payload", "40");
        assertEquals(0, demo.status(), demo.output());
        assertTrue(demo.output().contains("500 entries verified"), demo.output());
        Run dump = run("dump", directory.toString(), "--from", "10", "--limit", "2");
        assertEquals(0, dump.status(), dump.output());
        String[] lines = dump.output().strip().split("\n");
        assertEquals(3, lines.length, dump.output());
        assertTrue(lines[1].startsWith("10 1 ") && lines[1].contains("demo entry 10"), lines[1]);
        assertTrue(lines[2].startsWith("11 1 "), lines[2]);
    }

    @Test
    void verifyReportsDamageAndChangesNothing() throws IOException {
        Path directory = freshDirectory();
        assertEquals(0, run("demo", directory.toString(), "--entries", "100", "--batch", "10", "--payload", "40")
                .status());
        Path segment = directory.resolve(SEGMENT);
        flipByte(segment, 4096 + 128 + 128 + 3);
        byte[] before = Files.readAllBytes(segment);
        Run verify = run("verify", directory.toString());
        assertEquals(2, verify.status(), verify.output());
        assertTrue(verify.output().contains("DAMAGE  ChecksumMismatch[firstIndex=0, lastIndex=0"), verify.output());
        assertTrue(verify.output().contains("99 entries verified"), verify.output());
        assertArrayEquals(before, Files.readAllBytes(segment), "verify must not write");
    }

    @Test
    void verifyReportsATornTailWithoutRepairingIt() throws IOException {
        Path directory = freshDirectory();
        assertEquals(0, run("demo", directory.toString(), "--entries", "20", "--batch", "10", "--payload", "40")
                .status());
        Path segment = directory.resolve(SEGMENT);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("half a batch".getBytes(StandardCharsets.UTF_8)), 3 * 4096);
        }
        byte[] before = Files.readAllBytes(segment);
        Run verify = run("verify", directory.toString());
        assertEquals(0, verify.status(), verify.output());
        assertTrue(verify.output().contains("note    TornTail"), verify.output());
        assertArrayEquals(before, Files.readAllBytes(segment), "verify must not repair");
    }

    @Test
    void aDirectoryWithoutDataIsAClearError() throws IOException {
        Run verify = run("verify", freshDirectory().toString());
        assertEquals(1, verify.status());
        assertTrue(verify.output().contains("no Chronon data directory"), verify.output());
        assertEquals(1, run("frobnicate", "x").status());
    }
}
