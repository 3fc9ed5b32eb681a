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
    /** The members of a replica alone, whose address is not recorded. */
    private static final String ALONE = "(this node alone)";

    private MembershipRecord() {}

    /**
     * Refuses to start when the directory was created for other members, naming the settings the
     * members came from under {@code discovery}; nothing to check if new.
     */
    static void check(Path directory, ClusterMembers members, ChrononConfig.Discovery discovery) {
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
            String restore = switch (discovery) {
                case STATIC -> "start the node with its original chronon.node-id and chronon.members. (If only the"
                        + " host names changed and every replica keeps its id and its disk, delete " + file
                        + " on each of them.)";
                case STATEFULSET -> "start the pod with what its members were derived from"
                        + " (chronon.discovery=statefulset), as the recorded addresses show: the replica count"
                        + " CHRONON_REPLICAS=" + count(recorded) + " (the chart's replicaCount), the StatefulSet's name"
                        + " (the pods' names), the headless Service CHRONON_SERVICE, the namespace CHRONON_NAMESPACE and"
                        + " the HTTP port quarkus.http.port (the chart's service.port), with this volume on the pod whose"
                        + " ordinal is the recorded replica id. (If only those names or the port changed and every pod"
                        + " keeps its ordinal and its volume, delete " + file + " on each of them.)";
            };
            throw new IllegalStateException("the data directory " + directory + " belongs to replica "
                    + describe(recorded) + ", but this node is configured as replica " + describe(expected)
                    + ". Changing the members is a membership change, which Chronon does not support yet; "
                    + restore);
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
        String addresses = members.size() == 1 ? ALONE : String.join(",", members.addresses());
        return "node-id=" + members.self() + "\nmembers=" + addresses + "\n";
    }

    /** How many members a rendered record lists ("?" if it lists none). */
    private static String count(String rendered) {
        List<String> lines = rendered.lines().toList();
        if (lines.size() < 2) {
            return "?";
        }
        return lines.get(1).equals("members=" + ALONE) ? "1" : Integer.toString(lines.get(1).split(",", -1).length);
    }

    private static String describe(String rendered) {
        List<String> lines = rendered.lines().toList();
        String id = lines.isEmpty() ? "?" : lines.getFirst().replace("node-id=", "");
        String addresses = lines.size() < 2 ? "?" : lines.get(1).replace("members=", "");
        return id + " of [" + addresses + "]";
    }
}
