package io.chronon.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one call, attempt after attempt, until a node gives an answer that settles it or the
 * deadline passes. 503 and 429 (the node cannot take it now), 504 (it took it but does not know the
 * outcome yet) and connection failures are retried after a backoff (or the node's
 * {@code Retry-After}, if longer), on the node the {@link NodeSelector} picks next. An attempt's
 * timeout is cut to what is left of the deadline, so an attempt cut short counts as one that may
 * have been delivered. Whether a retry is safe, and
 * what giving up means, depends on the call's {@link Kind}.
 */
final class RetryLoop {
    private final Transport transport;
    private final NodeSelector selector;
    private final Backoff backoff;
    private final Duration attemptTimeout;
    private final Duration deadline;

    RetryLoop(Transport transport, NodeSelector selector, Backoff backoff, Duration attemptTimeout,
              Duration deadline) {
        this.transport = transport;
        this.selector = selector;
        this.backoff = backoff;
        this.attemptTimeout = attemptTimeout;
        this.deadline = deadline;
    }

    /** What resending a call may do, which decides when it is retried and what giving up means. */
    enum Kind {
        /** No effect: anything may be retried, and giving up only means nobody could answer. */
        READ,
        /**
         * Carries a client id and request number, so the cluster executes it once however often it
         * arrives: anything may be retried, but giving up after a possible delivery leaves the outcome
         * unknown.
         */
        EXACTLY_ONCE,
        /** Has effects and no session: resent only while no attempt can have been delivered. */
        AT_MOST_ONCE
    }

    /**
     * One call to make.
     *
     * @param path        the path and query, appended to a node's base URL
     * @param body        the JSON body to POST
     * @param description what the call is, for the exceptions' messages
     */
    record Call(Kind kind, String path, String body, Map<String, String> headers, String description) {
    }

    /**
     * The answer that settled a call.
     *
     * @param mayHaveExecuted whether an earlier attempt of the call may have been executed (a 504 or
     *                        a lost attempt came before this answer)
     */
    record Reply(Transport.Answer answer, boolean mayHaveExecuted) {
    }

    /**
     * Makes the call.
     *
     * @return the first answer other than 503, 429 and 504
     * @throws OutcomeUnknownException if it gives up on a call that has effects after an attempt
     *                                 that may have been delivered
     * @throws UnavailableException    if it gives up otherwise
     */
    Reply run(Call call) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        boolean mayHaveExecuted = false;
        URI node = selector.current();
        String lastFailure = "the deadline passed before the first attempt";
        Throwable lastCause = null;
        for (int attempt = 0; ; attempt++) {
            long remaining = end - System.nanoTime();
            if (remaining <= 0) {
                throw giveUp(call, attempt, mayHaveExecuted, lastFailure, lastCause);
            }
            Transport.Exchange exchange = transport.send(NodeSelector.endpoint(node, call.path()), call.body(),
                    call.headers(), NodeSelector.min(attemptTimeout, Duration.ofNanos(remaining)));
            Duration wait = backoff.delay(attempt);
            switch (exchange) {
                case Transport.Answer a when a.status() == 503 || a.status() == 429 || a.status() == 504 -> {
                    mayHaveExecuted |= a.status() == 504;
                    lastFailure = node + " answered " + a.status() + ": " + Json.error(a);
                    lastCause = null;
                    Duration retryAfter = a.retryAfter().orElse(Duration.ZERO);
                    if (retryAfter.compareTo(wait) > 0) { // the least the node asks to be left alone
                        wait = retryAfter;
                    }
                }
                case Transport.Answer a -> {
                    selector.answered(node);
                    return new Reply(a, mayHaveExecuted);
                }
                case Transport.NotDelivered n -> {
                    lastFailure = "could not connect to " + node;
                    lastCause = n.cause();
                }
                case Transport.Lost l -> {
                    mayHaveExecuted = true;
                    lastFailure = "no answer from " + node + " after sending (" + l.cause() + ")";
                    lastCause = l.cause();
                }
            }
            if (call.kind() == Kind.AT_MOST_ONCE && mayHaveExecuted) {
                throw giveUp(call, attempt + 1, true, lastFailure, lastCause);
            }
            if (wait.toNanos() >= end - System.nanoTime()) { // the next attempt could only start too late
                throw giveUp(call, attempt + 1, mayHaveExecuted, lastFailure, lastCause);
            }
            Thread.sleep(wait);
            node = selector.next(node, exchange instanceof Transport.NotDelivered, attemptTimeout, end);
        }
    }

    private static ChrononException giveUp(Call call, int attempts, boolean mayHaveExecuted, String lastFailure,
                                           Throwable lastCause) {
        if (call.kind() != Kind.READ && mayHaveExecuted) {
            return new OutcomeUnknownException("outcome of " + call.description() + " unknown after " + attempts
                    + " attempt(s): " + lastFailure, lastCause);
        }
        return new UnavailableException("no node served " + call.description() + " after " + attempts
                + " attempt(s): " + lastFailure, lastCause);
    }
}
