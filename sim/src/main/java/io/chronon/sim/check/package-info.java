/**
 * A linearizability checker for client histories of a key-value register.
 *
 * <p>A {@link io.chronon.sim.check.History} is what clients saw: each
 * {@link io.chronon.sim.check.Operation} with the interval of real (or simulated) time from its
 * invocation to its completion, what it asked and what it was told.
 * {@link io.chronon.sim.check.LinearizabilityChecker#check LinearizabilityChecker.check} decides
 * whether some order of the operations both respects real time and is a legal run of one
 * sequential register per key, and answers with a {@link io.chronon.sim.check.Verdict}.
 *
 * <p>Conventions a recorder must follow:
 * <ul>
 *   <li>An operation the system <em>definitely</em> did not perform (it answered with an error that
 *       guarantees no effect) is left out of the history: it constrains nothing.</li>
 *   <li>An operation whose outcome is unknown (the client timed out, or crashed, or lost the
 *       connection) is recorded with {@code completedAt = }{@link io.chronon.sim.check.Operation#UNKNOWN}
 *       and no output. It may have taken effect at any instant after its invocation, however late,
 *       or never. Its client may go on issuing operations meanwhile.</li>
 *   <li>Times are compared as given; an operation that completes at {@code t} and another invoked at
 *       the same {@code t} are treated as <em>concurrent</em>, so either may take effect first. This
 *       is the permissive choice: a tie never produces a false alarm, but it also lets two operations
 *       of the same client at a tie be reordered, so a recorder that wants read-your-writes checked
 *       strictly must stamp a client's next invocation strictly after its previous completion.</li>
 *   <li>Every key starts absent ({@code null}).</li>
 * </ul>
 */
package io.chronon.sim.check;
