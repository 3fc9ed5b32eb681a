package io.chronon.chaos;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Committed-log entries shaped as GET /chronon/log renders them, for the checkers' tests. */
final class LogEntries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<ObjectNode> entries = new ArrayList<>();

    ObjectNode add(String clientId, long requestNumber, String command, String outcome) {
        long index = entries.size();
        ObjectNode entry = JSON.createObjectNode().put("index", index).put("view", 1).put("timestamp", 1_000 + index)
                .put("hash", "h" + index).put("previousHash", index == 0 ? "genesis" : "h" + (index - 1))
                .put("clientId", clientId).put("requestNumber", requestNumber);
        try {
            entry.set("command", JSON.readTree(command));
            entry.set("outcome", JSON.readTree(outcome));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        entries.add(entry);
        return entry;
    }

    /** A kernel entry (an effect's acknowledgement, say): no session and no command, as the log renders it. */
    ObjectNode addKernel(String kind) {
        long index = entries.size();
        ObjectNode entry = JSON.createObjectNode().put("index", index).put("view", 1).put("timestamp", 1_000 + index)
                .put("hash", "h" + index).put("previousHash", index == 0 ? "genesis" : "h" + (index - 1))
                .putNull("clientId").putNull("requestNumber").putNull("command").put("kernel", kind);
        entry.putObject("outcome").putNull("result");
        entries.add(entry);
        return entry;
    }

    ObjectNode get(int index) {
        return entries.get(index);
    }

    CommittedLog log() {
        return new CommittedLog(0, List.copyOf(entries));
    }
}
