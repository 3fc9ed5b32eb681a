package io.chronon.quarkus;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.chronon.kernel.EffectId;
import io.chronon.kernel.Executor;
import io.chronon.kernel.Outbox;
import io.chronon.node.NodeOutput;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Carries a command's trace from the API to its effects: the context current when the command was
 * submitted (the REST or gRPC span and the command span under it) is remembered by call, then by the
 * log index it committed at, then by the ids of the effects it emitted, so that each delivery is a
 * span in the same trace. Used on the replica's loop thread only; bounded, so a flood of commands
 * without effects cannot grow it. With the OpenTelemetry SDK disabled (the default) the spans are
 * no-ops.
 */
final class CommandTracing {
    private static final int REMEMBERED = 10_000;

    private final Tracer tracer;
    private final Map<Long, Context> byCall = new HashMap<>();
    private final Map<Long, Context> byIndex = bounded();
    private final Map<EffectId, Context> byEffect = bounded();

    CommandTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    private static <K> Map<K, Context> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Context> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** Remembers the caller's context, when it carries a span (none while tracing is off). */
    void submitted(long call, Context context) {
        if (Span.fromContext(context).getSpanContext().isValid()) {
            byCall.put(call, context);
        }
    }

    /** Follows the answers to their indices and the applied entries to their effects. */
    void observe(List<NodeOutput> outputs, List<Executor.Result> applied) {
        if (byCall.isEmpty() && byIndex.isEmpty()) {
            return;
        }
        for (NodeOutput output : outputs) {
            if (output instanceof NodeOutput.Reply reply) {
                Context context = byCall.remove(reply.requestId());
                if (context != null && reply.answer() instanceof NodeOutput.Answer.Done done && done.index() >= 0) {
                    byIndex.put(done.index(), context);
                }
            }
        }
        for (Executor.Result result : applied) {
            Context context = byIndex.remove(result.index());
            if (context != null) {
                for (Outbox.Pending effect : result.effects()) {
                    byEffect.put(effect.id(), context);
                }
            }
        }
    }

    void forgetCalls() {
        byCall.clear();
    }

    /** A span for delivering an effect, in its command's trace when this replica took the command. */
    Span effect(NodeOutput.Execute execute) {
        Context parent = byEffect.remove(execute.id());
        return tracer.spanBuilder("chronon effect " + execute.sink()).setSpanKind(SpanKind.CLIENT)
                .setParent(parent == null ? Context.root() : parent)
                .setAttribute("chronon.effect.id", execute.id().toString())
                .setAttribute("chronon.effect.sink", execute.sink())
                .setAttribute("chronon.view", execute.view()).startSpan();
    }
}
