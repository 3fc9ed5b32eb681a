package io.chronon.node;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.EffectSink;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outcome;
import io.chronon.vsr.Message;
import io.chronon.vsr.Output;

/** What a {@link Node} asks its driver to do: send, perform storage work, answer clients. */
public sealed interface NodeOutput {

    /** Send a message to replica {@code to}. */
    record Send(int to, Message message) implements NodeOutput {}

    /** Perform this storage output of the replica, in order, and report its {@code StorageEvent}. */
    record Storage(Output storage) implements NodeOutput {}

    /** The answer to a client command. */
    record Reply(long requestId, Answer answer) implements NodeOutput {}

    /** The answer to a client query. */
    record ReadReply(long readId, ReadAnswer answer) implements NodeOutput {}

    /**
     * Deliver an effect to its sink, as the primary of {@code view}; report back with
     * {@link Node#effectDelivered} or {@link Node#effectFailed}. The driver checks, before calling the
     * sink and again after, that its durable view is still {@code view}, and reports neither outcome
     * if not.
     */
    record Execute(EffectId id, long index, int ordinal, long view, String sink, byte[] payload) implements NodeOutput {
        /** What the sink is given. */
        public EffectSink.Delivery delivery() {
            return new EffectSink.Delivery(id, index, ordinal, view, payload);
        }
    }

    /**
     * Write a snapshot of {@code checkpoint} (immutable: encode it on any thread, the node goes on
     * applying), then compact the log, and report with {@link Node#snapshotTaken}.
     */
    record TakeSnapshot(Executor.Checkpoint checkpoint) implements NodeOutput {}

    /** How a command ended, as far as this node can tell. */
    sealed interface Answer {
        /** Committed and applied at {@code index} in {@code view}. */
        record Done(long index, long view, Outcome outcome) implements Answer {}

        /** Not placed in the log; safe to send elsewhere with the same request number. */
        record Refused(Output.Refusal refusal, int primaryHint) implements Answer {}

        /** Placed in the log but the view changed before it committed here: retry with the same request number. */
        record Unknown() implements Answer {}
    }

    /** How a query ended. */
    sealed interface ReadAnswer {
        /** Answered from the state after applying every entry through {@code index}. */
        record Done(long index, byte[] result) implements ReadAnswer {}

        record Refused(Output.Refusal refusal, int primaryHint) implements ReadAnswer {}

        /** The query bytes did not decode: a client error. */
        record Malformed(String message) implements ReadAnswer {}
    }
}
