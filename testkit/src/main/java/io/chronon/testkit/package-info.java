/**
 * The toolkit for multi-process tests: real JVMs, real sockets, real signals.
 *
 * <ul>
 *   <li>{@link io.chronon.testkit.NodeProcess} runs a node (described by a
 *       {@link io.chronon.testkit.NodeSpec}) as a child JVM exec'd directly, and kills (SIGKILL), pauses
 *       (SIGSTOP), resumes (SIGCONT) and restarts it, with its output in a log file per node.</li>
 *   <li>{@link io.chronon.testkit.LinkProxy} is a TCP proxy for one directed peer link that cuts one
 *       direction or both, delays, and resets connections at random;
 *       {@link io.chronon.testkit.ProxyMesh} puts one between every ordered pair of nodes and yields
 *       each node's {@code chronon.dial-addresses}, with partitions, isolation and one-way cuts.</li>
 *   <li>{@link io.chronon.testkit.History} records client operations (invoke, then ok, fail or unknown)
 *       for checkers, as JSON lines.</li>
 *   <li>{@link io.chronon.testkit.Ports} finds free ports to hand to nodes.</li>
 * </ul>
 *
 * Linux (or another Unix) only: pausing exec's {@code kill -STOP}.
 */
package io.chronon.testkit;
