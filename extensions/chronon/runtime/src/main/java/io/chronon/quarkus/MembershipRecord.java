package io.chronon.quarkus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The membership a data directory was created with ({@code members} in the data directory): this
 * replica's id and every member's address. A node started with other members refuses to start, since
 * changing them is a membership change, which Chronon does not do yet: restarting replica 1 of three as
 * replica 1 of five, or as replica 2, would break the quorum arithmetic behind every commit.
 */
final class MembershipRecord {
    static final String FILE = "members";

    private MembershipRecord() {}

    /** Refuses to start when the directory was created for other members; nothing to check if new. */
    static void check(Path directory, ClusterMembers members) {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        String recorded;
        try {
            recorded = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String expected = render(members);
        if (!recorded.equals(expected)) {
            throw new IllegalStateException("the data directory " + directory + " belongs to replica "
                    + describe(recorded) + ", but this node is configured as replica " + describe(expected)
                    + ". Changing the members is a membership change, which Chronon does not support yet; start the"
                    + " node with its original chronon.node-id and chronon.members. (If only the host names changed"
                    + " and every replica keeps its id and its disk, delete " + file + " on each of them.)");
        }
    }

    /** Records the members once the directory belongs to a cluster (written atomically, then synced). */
    static void record(Path directory, ClusterMembers members) {
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            return;
        }
        Path temporary = directory.resolve(FILE + ".tmp");
        try {
            Files.writeString(temporary, render(members), StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the members in " + file, e);
        }
    }

    private static String render(ClusterMembers members) {
        // A replica alone has no peer to find it: its address may change freely, its count may not.
        String addresses = members.size() == 1 ? "(this node alone)" : String.join(",", members.addresses());
        return "node-id=" + members.self() + "\nmembers=" + addresses + "\n";
    }

    private static String describe(String rendered) {
        List<String> lines = rendered.lines().toList();
        String id = lines.isEmpty() ? "?" : lines.getFirst().replace("node-id=", "");
        String addresses = lines.size() < 2 ? "?" : lines.get(1).replace("members=", "");
        return id + " of [" + addresses + "]";
    }
}
