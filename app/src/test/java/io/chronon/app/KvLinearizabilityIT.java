package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chronon.client.ChrononClient;
import io.chronon.client.CommandResult;
import io.chronon.client.OutcomeUnknownException;
import io.chronon.client.QueryResult;
import io.chronon.client.UnavailableException;
import io.chronon.sim.check.History;
import io.chronon.sim.check.Input;
import io.chronon.sim.check.LinearizabilityChecker;
import io.chronon.sim.check.Operation;
import io.chronon.sim.check.Output;
import io.chronon.sim.check.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the key-value register ({@code chronon.application=kv}) on three real node
 * processes while their primary is killed and restarted and a replica is paused past the election
 * timeout: concurrent clients put, compare-and-set (with sessions, so retries are exactly once) and
 * read (linearizable queries) a few keys; every invocation and completion is recorded (ok, definitely
 * not done, or unknown) and the history is checked with the simulator's linearizability checker. The
 * bounded form of Part 8's chaos runs; the seed is printed.
 */
class KvLinearizabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("k0", "k1", "k2");
    private static final int CLIENTS = 4;
    private static final Duration RUN = Duration.ofSeconds(12);
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theRegisterStaysLinearizableThroughKilledAndPausedReplicas() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("KvLinearizabilityIT seed " + seed);
        cluster = new LocalCluster("kv-linearizable", seed, Map.of("chronon.application", "kv",
                HaltPointIT.JOURNAL_STATEMENTS, "journal", HaltPointIT.JOURNAL_TRANSFERS, "journal")).startAll();
        cluster.awaitPrimary();
        List<Operation> operations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ids = new AtomicInteger();
        long end = System.nanoTime() + RUN.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int id = client;
            Random random = new Random(seed + client);
            clients.add(Thread.ofPlatform().name("kv-client-" + client).start(() -> {
                try (ChrononClient chronon = LocalCluster.client(cluster.urls())) {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        operations.add(perform(chronon, id, ids.incrementAndGet(), random, "c" + id + "-" + n++));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Thread.sleep(2_500);
        int primary = cluster.awaitPrimary();
        cluster.node(primary).kill();
        Thread.sleep(1_500);
        cluster.node(primary).start();
        Thread.sleep(2_000);
        int paused = (cluster.awaitPrimary() + 1) % cluster.size();
        cluster.node(paused).pause();
        Thread.sleep(3_000);
        cluster.node(paused).resume();
        for (Thread client : clients) {
            client.join();
        }

        List<Operation> history = operations.stream().filter(op -> op != null).toList();
        long ok = history.stream().filter(Operation::outcomeKnown).count();
        System.out.println("KvLinearizabilityIT: " + history.size() + " operations, " + ok + " with a known outcome, "
                + (history.size() - ok) + " unknown");
        assertTrue(ok > 50, "the clients got answers: " + ok);
        Verdict verdict = LinearizabilityChecker.check(new History(history), Duration.ofSeconds(60));
        assertTrue(verdict.isLinearizable(), () -> "seed " + seed + ": " + verdict.explanation());

        // The check has teeth: the same history with one read of a value nobody wrote is refused.
        Operation read = history.stream().filter(op -> op.input() instanceof Input.Get && op.outcomeKnown())
                .findFirst().orElseThrow(() -> new AssertionError("no read completed"));
        List<Operation> forged = new ArrayList<>(history);
        forged.set(forged.indexOf(read), new Operation(read.id(), read.client(), read.invokedAt(), read.completedAt(),
                read.input(), new Output.Get("never-written")));
        assertFalse(LinearizabilityChecker.check(new History(forged), Duration.ofSeconds(60)).isLinearizable(),
                "a read of a value nobody wrote is not linearizable");
    }

    /**
     * One operation, as the checker needs it: null if it definitely did not happen (it is then no part
     * of the history); completion time {@link Operation#UNKNOWN} if the client cannot know.
     */
    private static Operation perform(ChrononClient chronon, int client, int id, Random random, String value)
            throws InterruptedException {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        int kind = random.nextInt(3);
        Input input = switch (kind) {
            case 0 -> new Input.Put(key, value);
            case 1 -> new Input.Cas(key, random.nextBoolean() ? null : "c" + random.nextInt(CLIENTS) + "-"
                    + random.nextInt(20), value);
            default -> new Input.Get(key);
        };
        long invoked = System.nanoTime();
        try {
            Output output = switch (input) {
                case Input.Put put -> {
                    CommandResult result = chronon.submit("{\"type\":\"put\",\"key\":\"" + key + "\",\"value\":\""
                            + put.value() + "\"}");
                    yield new Output.Put(text(JSON.readTree(result.result()).get("previous")));
                }
                case Input.Cas cas -> {
                    CommandResult result = chronon.submit("{\"type\":\"cas\",\"key\":\"" + key + "\",\"expected\":"
                            + (cas.expected() == null ? "null" : "\"" + cas.expected() + "\"") + ",\"value\":\""
                            + cas.value() + "\"}");
                    JsonNode answer = JSON.readTree(result.result());
                    yield new Output.Cas(answer.get("swapped").asBoolean(), text(answer.get("current")));
                }
                case Input.Get get -> {
                    QueryResult result = chronon.query("{\"type\":\"get\",\"key\":\"" + key + "\"}");
                    yield new Output.Get(text(JSON.readTree(result.result()).get("value")));
                }
            };
            return new Operation(id, client, invoked, System.nanoTime(), input, output);
        } catch (UnavailableException notDone) {
            return null;
        } catch (OutcomeUnknownException unknown) {
            // A read has no effect: an unknown read is simply left out.
            return input instanceof Input.Get ? null : new Operation(id, client, invoked, Operation.UNKNOWN, input, null);
        } catch (IOException e) {
            throw new IllegalStateException("an answer that is not JSON", e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
