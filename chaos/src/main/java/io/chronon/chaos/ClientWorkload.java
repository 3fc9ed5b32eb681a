package io.chronon.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.chronon.client.ChrononClient;
import io.chronon.testkit.History;

/**
 * Concurrent clients against a chaos cluster, each a process of the history with its own session
 * (client id and request numbers), so that the client library's retries are exactly once. Every
 * invocation and its completion (ok, definitely not done, or unknown) goes into the history.
 */
abstract class ClientWorkload {
    /** How long one operation may take, retries included, before its outcome is unknown. */
    static final Duration DEADLINE = Duration.ofSeconds(4);

    /** Runs {@code clients} clients until {@code endNanos} (System.nanoTime); returns when all stopped. */
    final void run(ChaosCluster cluster, int clients, long seed, long endNanos, History history)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int process = 0; process < clients; process++) {
            int id = process;
            Random random = new Random(seed * 31 + process);
            threads.add(Thread.ofPlatform().name("chaos-client-" + process).start(() -> {
                try (ChrononClient client = ChrononClient.builder().nodes(cluster.urls())
                        .attemptTimeout(Duration.ofSeconds(1)).deadline(DEADLINE).build()) {
                    while (System.nanoTime() < endNanos) {
                        operate(client, id, random, history);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client of the workload failed", failures.getFirst());
        }
    }

    /** One operation of process {@code process}, recorded in the history from invocation to completion. */
    abstract void operate(ChrononClient client, int process, Random random, History history)
            throws InterruptedException;
}
