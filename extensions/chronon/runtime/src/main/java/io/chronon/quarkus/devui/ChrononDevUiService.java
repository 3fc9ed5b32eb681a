package io.chronon.quarkus.devui;

import jakarta.inject.Inject;

import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.NodeStatus;

/** What the Dev UI card shows live: the node's role and progress, asked over Dev UI's JSON-RPC. */
public class ChrononDevUiService {
    @Inject
    ChrononNode node;

    /** For example {@code PRIMARY · view 2 · commit 41}, or why the node stopped. */
    public String status() {
        try {
            NodeStatus status = node.status();
            if (status.crash() != null) {
                return "stopped: " + status.crash();
            }
            return status.role() + " · view " + status.view() + " · commit "
                    + (status.commitIndex() < 0 ? "none" : Long.toString(status.commitIndex()));
        } catch (IllegalStateException notRunning) {
            return "not running";
        }
    }
}
