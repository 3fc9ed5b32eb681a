package io.chronon.bench.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis side of the key-value workload: a map from key to value, changed by {@link PutBatch}
 * messages. Ratis applies committed entries one at a time on its state-machine updater thread, so a
 * plain map is enough. It counts the puts it applied, for the benchmark's cross-check.
 */
final class KvStateMachine extends BaseStateMachine {
    private final Map<String, ByteString> entries = new HashMap<>();
    private final AtomicLong appliedCommands = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto entry = transaction.getLogEntry();
        int puts = PutBatch.decode(entry.getStateMachineLogEntry().getLogData(), entries::put);
        appliedCommands.addAndGet(puts);
        updateLastAppliedTermIndex(TermIndex.valueOf(entry));
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    long appliedCommands() {
        return appliedCommands.get();
    }
}
