package io.chronon.quarkus;

import java.util.List;
import java.util.UUID;

/**
 * What a node reports about itself. Indices start at 0; −1 stands for "none yet" (the JSON says
 * {@code null}). {@code crash} is why the node stopped, or null while it runs; {@code replayDivergence}
 * names the first entry to which the current code gave another outcome than the recorded history.
 */
public record NodeStatus(int nodeId, UUID clusterId, String application, Role role, long view, long commitIndex,
                         long appliedIndex, int primaryId, List<Member> members, String crash,
                         String replayDivergence) {

    public enum Role { PRIMARY, BACKUP, VIEW_CHANGE, RECOVERING }

    public record Member(int id, String address, boolean healthy) {}
}
