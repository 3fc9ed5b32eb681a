package io.chronon.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * Real files in one directory, on {@link FileChannel}.
 *
 * <p>The barrier is {@code force(false)} (fdatasync). With {@code directIo}, writes whose position,
 * length and buffer address are aligned to the file system's block size go through a second channel
 * opened with O_DIRECT, bypassing the page cache; everything else (and every read) uses the
 * ordinary channel. O_DIRECT is probed once: where the file system refuses it, the disk falls back
 * to buffered writes and {@link #directIoAlignment()} answers 1.
 */
public final class FileDisk implements Disk {
    private final Path directory;
    private final int directIoAlignment;

    private FileDisk(Path directory, int directIoAlignment) {
        this.directory = directory;
        this.directIoAlignment = directIoAlignment;
    }

    /** Opens (creating if needed) a directory of files; {@code directIo} asks for O_DIRECT writes. */
    public static FileDisk open(Path directory, boolean directIo) {
        try {
            Path absolute = directory.toAbsolutePath();
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute);
                syncDirectory(absolute.getParent());
            }
            int alignment = directIo ? probeDirectIo(absolute) : 1;
            return new FileDisk(absolute, alignment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open data directory " + directory, e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public int directIoAlignment() {
        return directIoAlignment;
    }

    private static int probeDirectIo(Path directory) throws IOException {
        int blockSize = (int) Files.getFileStore(directory).getBlockSize();
        Path probe = directory.resolve(".direct-io-probe");
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            ByteBuffer block = ByteBuffer.allocateDirect(2 * blockSize).alignedSlice(blockSize);
            block.limit(blockSize);
            channel.write(block, 0);
            return blockSize;
        } catch (IOException | UnsupportedOperationException e) {
            return 1;
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Override
    public DiskFile create(String name) {
        Path path = resolve(name);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new File(name, path, channel);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("file already exists: " + path, e);
        } catch (IOException e) {
            throw new DiskFailure("cannot create " + path, e);
        }
    }

    @Override
    public DiskFile open(String name) {
        Path path = resolve(name);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new File(name, path, channel);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no such file: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(resolve(name));
    }

    @Override
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                if (Files.isRegularFile(path)) {
                    names.add(path.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public void rename(String source, String target) {
        try {
            Files.move(resolve(source), resolve(target), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DiskFailure("cannot rename " + source + " to " + target + " in " + directory, e);
        }
    }

    @Override
    public void delete(String name) {
        try {
            Files.delete(resolve(name));
        } catch (IOException e) {
            throw new DiskFailure("cannot delete " + resolve(name), e);
        }
    }

    @Override
    public void syncDirectory() {
        try {
            syncDirectory(directory);
        } catch (IOException e) {
            throw new DiskFailure("fsync of directory " + directory + " failed", e);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Path resolve(String name) {
        Invariants.check(!name.isEmpty() && name.indexOf('/') < 0 && !name.startsWith("."),
                "file names are plain and visible: '%s'", name);
        return directory.resolve(name);
    }

    private final class File implements DiskFile {
        private final String name;
        private final Path path;
        private final FileChannel channel;
        private FileChannel directChannel;
        private volatile boolean failed;

        File(String name, Path path, FileChannel channel) {
            this.name = name;
            this.path = path;
            this.channel = channel;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            try {
                return channel.size();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stat " + path, e);
            }
        }

        @Override
        public void write(long position, ByteBuffer source) {
            checkUsable();
            FileChannel target = isDirectWrite(position, source) ? directChannel() : channel;
            try {
                while (source.hasRemaining()) {
                    position += target.write(source, position);
                }
            } catch (IOException e) {
                failed = true;
                throw new DiskFailure("write to " + path + " failed; the page cache is no longer trusted", e);
            }
        }

        private boolean isDirectWrite(long position, ByteBuffer source) {
            int alignment = directIoAlignment;
            return alignment > 1
                    && source.isDirect()
                    && position % alignment == 0
                    && source.remaining() % alignment == 0
                    && source.alignmentOffset(source.position(), alignment) == 0;
        }

        private FileChannel directChannel() {
            if (directChannel == null) {
                try {
                    directChannel = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                } catch (IOException e) {
                    throw new DiskFailure("cannot open " + path + " with O_DIRECT", e);
                }
            }
            return directChannel;
        }

        @Override
        public int read(long position, ByteBuffer target) {
            try {
                return channel.read(target, position);
            } catch (IOException e) {
                throw new UncheckedIOException("read of " + path + " at " + position + " failed", e);
            }
        }

        @Override
        public void barrier() {
            checkUsable();
            try {
                channel.force(false);
            } catch (IOException e) {
                failed = true;
                throw new DiskFailure("fsync of " + path + " failed; the page cache is no longer trusted", e);
            }
        }

        private void checkUsable() {
            if (failed) {
                throw new DiskFailure("an earlier write or fsync of " + path + " failed; crash and recover");
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
                if (directChannel != null) {
                    directChannel.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + path, e);
            }
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
