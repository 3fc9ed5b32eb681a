package io.chronon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The log on real files, with and without O_DIRECT, on the build directory's file system. */
class FileDiskTest {
    private static final LogOptions OPTIONS = new LogOptions(1 << 20, 64 * 1024, 8 * 1024);

    private static Path freshDirectory() throws IOException {
        Path directory = Path.of("target", "test-data", "file-disk-" + UUID.randomUUID());
        Files.createDirectories(directory);
        return directory;
    }

    @Test
    void aLogOnRealFilesSurvivesReopening() throws IOException {
        for (boolean directIo : new boolean[] {false, true}) {
            Path directory = freshDirectory();
            FileDisk disk = FileDisk.open(directory, directIo);
            if (directIo) {
                assertTrue(disk.directIoAlignment() >= 512,
                        "this machine's file system supports O_DIRECT; alignment " + disk.directIoAlignment());
            }
            Log log = Log.create(disk, OPTIONS, UUID.randomUUID());
            List<Entry> written = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                written.add(log.append(1, i, UUID.randomUUID(), i, ("entry " + i).repeat(1 + i % 50).getBytes()));
                if (i % 10 == 9) {
                    log.barrier();
                }
            }
            log.barrier();
            log.close();
            LogRecovery recovery = Log.open(FileDisk.open(directory, directIo), OPTIONS).orElseThrow();
            assertTrue(recovery.intact(), recovery.findings().toString());
            try (LogReader reader = recovery.log().reader(0, 299)) {
                for (Entry entry : written) {
                    assertEquals(entry, reader.next());
                }
            }
            recovery.log().close();
        }
    }

    @Test
    void segmentsArePreallocatedNotSparse() throws Exception {
        Path directory = freshDirectory();
        Log log = Log.create(FileDisk.open(directory, false), OPTIONS, UUID.randomUUID());
        log.close();
        Path segment = directory.resolve(Segment.fileName(0));
        assertEquals(OPTIONS.segmentBytes(), Files.size(segment));
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", segment.toString()).start();
        String[] blocks = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, stat.waitFor());
        long allocated = Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
        assertTrue(allocated >= OPTIONS.segmentBytes(), "allocated " + allocated + " of " + OPTIONS.segmentBytes());
    }

    @Test
    void bitRotInARealFileIsReported() throws IOException {
        Path directory = freshDirectory();
        Log log = Log.create(FileDisk.open(directory, false), OPTIONS, UUID.randomUUID());
        for (int i = 0; i < 3; i++) {
            log.append(1, i, UUID.randomUUID(), i, new byte[500]);
            log.barrier();
        }
        log.close();
        try (FileChannel channel = FileChannel.open(directory.resolve(Segment.fileName(0)), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // The payload of entry 1 starts after the second batch's header and entry header.
            long position = 2 * 4096 + BatchHeader.BYTES + Entry.HEADER_BYTES + 10;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, position);
        }
        LogRecovery recovery = Log.open(FileDisk.open(directory, false), OPTIONS).orElseThrow();
        assertEquals(List.of(new RecoveryFinding.ChecksumMismatch(1, 1, Segment.fileName(0), 2 * 4096)),
                recovery.damage());
    }

    @Test
    void renameReplacesAtomicallyAndSurvivesADirectorySync() throws IOException {
        Path directory = freshDirectory();
        FileDisk disk = FileDisk.open(directory, false);
        try (DiskFile file = disk.create("manifest.tmp")) {
            file.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            file.barrier();
        }
        disk.rename("manifest.tmp", "manifest");
        disk.syncDirectory();
        assertEquals(List.of("manifest"), disk.list());
        assertEquals(3, Files.size(directory.resolve("manifest")));
    }
}
