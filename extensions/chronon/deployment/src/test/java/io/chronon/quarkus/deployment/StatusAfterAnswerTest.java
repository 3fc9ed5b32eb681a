package io.chronon.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chronon.node.NodeOutput;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.NodeStatus;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The status never lags an answer already given: the moment a command's answer is handed out (the
 * check below runs on the thread that completes it), the node's status already shows that command's
 * index as committed and applied. A client that was told "done at N" and then reads the status must
 * not see an older commit index (the cluster benchmark's honesty check once counted more
 * acknowledgements than the status's commit index because of this).
 */
class StatusAfterAnswerTest {
    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", "target/test-data/" + UUID.randomUUID());

    @Inject
    ChrononNode node;

    /** What the status said at the moment an answer was handed out. */
    private record Seen(long index, long commitIndex, long appliedIndex) {}

    @Test
    void theStatusReadWhenAnAnswerIsHandedOutAlreadyShowsItsIndex() throws Exception {
        UUID client = UUID.randomUUID();
        List<CompletableFuture<Seen>> seen = new ArrayList<>();
        for (long request = 1; request <= 40; request++) {
            // Registered before the answer exists (an fsync stands between): the check runs on the
            // node's own thread, as the answer is completed.
            seen.add(node.command(client, request, "1".getBytes(StandardCharsets.UTF_8)).thenApply(answer -> {
                NodeStatus status = node.status();
                long index = ((NodeOutput.Answer.Done) answer).index();
                return new Seen(index, status.commitIndex(), status.appliedIndex());
            }));
        }
        long lastIndex = -1;
        for (CompletableFuture<Seen> future : seen) {
            Seen answer = future.get(30, TimeUnit.SECONDS);
            assertTrue(answer.commitIndex() >= answer.index(),
                    "answered at index " + answer.index() + " while the status said commit index " + answer.commitIndex());
            assertTrue(answer.appliedIndex() >= answer.index(),
                    "answered at index " + answer.index() + " while the status said applied index " + answer.appliedIndex());
            lastIndex = Math.max(lastIndex, answer.index());
        }
        assertEquals(39, lastIndex, "40 commands, one entry each");
    }
}
