package io.chronon.sim;

import java.util.SplittableRandom;
import java.util.UUID;

import io.chronon.examples.bank.BankCommand;
import io.chronon.examples.kv.KvCommand;
import io.chronon.examples.kv.KvQuery;
import io.chronon.examples.kv.KvResult;
import io.chronon.kernel.Outcome;
import io.chronon.node.NodeOutput;
import io.chronon.sim.check.History;
import io.chronon.vsr.ReadConsistency;

/**
 * A client of the key-value register, one operation at a time, the way a real client retries: a
 * command keeps its request number across every retry (so it is applied at most once), moving to
 * the hinted primary or the next replica after a refusal, an unknown outcome or a timeout. It
 * records every operation for the linearizability checker: completed ones with their result, and
 * commands it gave up on as having an unknown outcome.
 */
final class SimClient {
    private static final long TIMEOUT_NANOS = 300_000_000;
    private static final long BACKOFF_NANOS = 20_000_000;
    private static final long GIVE_UP_NANOS = 8_000_000_000L;

    private enum Kind { PUT, CAS, GET, DEPOSIT, WITHDRAW, TRANSFER }

    private final int id;
    private final UUID uuid;
    private final Simulation sim;
    private final SplittableRandom random;
    private long requestNumber;
    private int target;

    // The operation in progress.
    private boolean busy;
    private Kind kind;
    private String key;
    private String value;
    private String expected;
    /** Whether a get asks for a lease read instead of a quorum round. */
    private boolean lease;
    /** The bank: the other account of a transfer, and the amount. */
    private String other;
    private long amount;
    private long invokedAt;
    private long attemptId = -1;
    /** Request ids of this operation's attempts are at least this; older ones answer older operations. */
    private long firstAttemptId;
    private int attempts;
    private long completed;
    private long gaveUp;

    SimClient(int id, Simulation sim, long seed) {
        this.id = id;
        this.uuid = new UUID(0xC11E47L, id);
        this.sim = sim;
        this.random = new SplittableRandom(seed);
        this.target = random.nextInt(sim.replicas());
    }

    long completed() {
        return completed;
    }

    long gaveUp() {
        return gaveUp;
    }

    boolean busy() {
        return busy;
    }

    long invokedAt() {
        return invokedAt;
    }

    void start() {
        sim.loop.after(random.nextInt(5_000_000), this::next);
    }

    private void next() {
        if (sim.loop.now() >= sim.stopIssuingAt()) {
            return;
        }
        busy = true;
        attempts = 0;
        firstAttemptId = sim.nextRequestId();
        invokedAt = sim.loop.now();
        key = "k" + random.nextInt(3);
        int roll = random.nextInt(10);
        if (sim.workload() == Simulation.Workload.BANK) {
            kind = roll < 4 ? Kind.DEPOSIT : roll < 6 ? Kind.WITHDRAW : Kind.TRANSFER;
            key = "account-" + random.nextInt(4);
            other = "account-" + ((Integer.parseInt(key.substring(8)) + 1 + random.nextInt(3)) % 4);
            amount = 1 + random.nextInt(50);
        } else {
            kind = roll < 4 ? Kind.PUT : roll < 6 ? Kind.CAS : Kind.GET;
        }
        lease = random.nextBoolean();
        value = "c" + id + "-" + (requestNumber + 1);
        if (kind == Kind.CAS) {
            expected = random.nextBoolean() ? null : "c" + random.nextInt(sim.clients()) + "-" + (1 + random.nextInt(5));
        }
        if (kind != Kind.GET) {
            requestNumber++;
        }
        attempt();
    }

    private void attempt() {
        attempts++;
        long current = sim.newRequestId();
        attemptId = current;
        SimNode node = sim.node(target);
        if (kind == Kind.GET) {
            byte[] query = sim.kv.queries().encode(new KvQuery.Get(key));
            ReadConsistency consistency = lease ? ReadConsistency.LEASE : ReadConsistency.LINEARIZABLE;
            sim.network.toClient(() -> node.query(this, current, query, consistency));
        } else {
            byte[] bytes = switch (kind) {
                case PUT -> sim.kv.commands().encode(new KvCommand.Put(key, value));
                case CAS -> sim.kv.commands().encode(new KvCommand.Cas(key, expected, value));
                case DEPOSIT -> sim.bank.commands().encode(new BankCommand.Deposit(key, amount));
                case WITHDRAW -> sim.bank.commands().encode(new BankCommand.Withdraw(key, amount));
                case TRANSFER -> sim.bank.commands().encode(new BankCommand.Transfer(key, other, amount));
                case GET -> throw new IllegalStateException("a get is a query");
            };
            long number = requestNumber;
            sim.network.toClient(() -> node.command(this, current, uuid, number, bytes));
        }
        sim.loop.after(TIMEOUT_NANOS, () -> {
            if (busy && attemptId == current) {
                retry(-1, 0);
            }
        });
    }

    /** Tries again: at the hinted primary, else the next replica, after a backoff. */
    private void retry(int hint, long backoff) {
        if (sim.loop.now() - invokedAt > GIVE_UP_NANOS) {
            giveUp();
            return;
        }
        target = hint >= 0 ? hint : (target + 1) % sim.replicas();
        attemptId = -1;
        sim.loop.after(backoff + random.nextInt(1_000_000), () -> {
            if (busy && attemptId == -1) {
                attempt();
            }
        });
    }

    private void giveUp() {
        busy = false;
        gaveUp++;
        if (kind == Kind.PUT) {
            sim.history().putUnknown(id, key, value, invokedAt);
        } else if (kind == Kind.CAS) {
            sim.history().casUnknown(id, key, expected, value, invokedAt);
        }
        sim.loop.after(1 + random.nextInt(2_000_000), this::next);
    }

    void onReply(long requestId, NodeOutput.Answer answer) {
        if (!busy || kind == Kind.GET || requestId < firstAttemptId) {
            return;
        }
        switch (answer) {
            case NodeOutput.Answer.Done done -> {
                if (done.outcome() instanceof Outcome.Rejected rejected
                        && rejected.rejection().code().equals("insufficient-funds")) {
                    // The bank said no, deterministically: the index was consumed, nothing moved.
                    sim.acknowledged(done.index(), uuid, requestNumber);
                    finish();
                    return;
                }
                if (!(done.outcome() instanceof Outcome.Completed completedOutcome)) {
                    sim.fail("client " + id + " request " + requestNumber + " ended with " + done.outcome());
                    return;
                }
                sim.acknowledged(done.index(), uuid, requestNumber);
                if (sim.workload() == Simulation.Workload.BANK) {
                    finish();
                    return;
                }
                KvResult result = sim.kv.results().decode(completedOutcome.result());
                History.Builder history = sim.history();
                long now = sim.loop.now();
                switch (result) {
                    case KvResult.PutResult put -> history.put(id, key, value, invokedAt, now, put.previous());
                    case KvResult.CasResult cas -> history.cas(id, key, expected, value, invokedAt, now, cas.swapped(),
                            cas.current());
                    case KvResult.GetResult get -> sim.fail("a command answered with a query result: " + get);
                }
                finish();
            }
            case NodeOutput.Answer.Refused refused -> {
                if (requestId == attemptId) {
                    retry(refused.primaryHint(), BACKOFF_NANOS);
                }
            }
            case NodeOutput.Answer.Unknown unknown -> {
                if (requestId == attemptId) {
                    retry(-1, BACKOFF_NANOS);
                }
            }
        }
    }

    void onReadReply(long readId, NodeOutput.ReadAnswer answer) {
        if (!busy || kind != Kind.GET || readId != attemptId) {
            return;
        }
        switch (answer) {
            case NodeOutput.ReadAnswer.Done done -> {
                KvResult.GetResult get = (KvResult.GetResult) sim.kv.results().decode(done.result());
                sim.history().get(id, key, invokedAt, sim.loop.now(), get.value());
                finish();
            }
            case NodeOutput.ReadAnswer.Refused refused -> retry(refused.primaryHint(), BACKOFF_NANOS);
            case NodeOutput.ReadAnswer.Malformed malformed -> sim.fail("a well-formed query was refused: " + malformed);
        }
    }

    private void finish() {
        busy = false;
        completed++;
        attemptId = -1;
        // Strictly later: the checker treats operations meeting at one instant as concurrent.
        sim.loop.after(1 + random.nextInt(3_000_000), this::next);
    }
}
