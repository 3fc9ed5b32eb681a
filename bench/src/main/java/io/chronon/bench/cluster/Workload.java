package io.chronon.bench.cluster;

/**
 * One load shape of the matrix. Every command is the same operation on every system: a put of a
 * 1 KiB value under an 8-byte key.
 *
 * @param kind        how requests are issued
 * @param clients     closed loop and batching: the logical clients, each with one request in flight;
 *                    open loop: the most requests in flight before new ones queue in the generator
 * @param ratePerSecond open loop only: the fixed arrival rate of requests
 * @param batchSize   commands per request (1 except in batching mode)
 */
record Workload(Kind kind, int clients, int ratePerSecond, int batchSize) {

    enum Kind {
        /** N clients, each sends its next request when the previous one is answered. */
        CLOSED,
        /** Requests arrive on a fixed schedule whatever the answers; latency counts from the schedule. */
        OPEN,
        /** Closed loop where each request carries {@code batchSize} commands. */
        BATCH
    }

    Workload {
        if (clients < 1 || batchSize < 1 || (kind == Kind.OPEN) != (ratePerSecond > 0)) {
            throw new IllegalArgumentException("not a workload: " + kind + " clients=" + clients + " rate="
                    + ratePerSecond + " batch=" + batchSize);
        }
        if (kind != Kind.BATCH && batchSize != 1) {
            throw new IllegalArgumentException("only the batching mode sends several commands per request");
        }
    }

    static Workload closed(int clients) {
        return new Workload(Kind.CLOSED, clients, 0, 1);
    }

    static Workload open(int ratePerSecond, int maxInFlight) {
        return new Workload(Kind.OPEN, maxInFlight, ratePerSecond, 1);
    }

    static Workload batch(int clients, int batchSize) {
        return new Workload(Kind.BATCH, clients, 0, batchSize);
    }

    /** A short name for tables and file names: {@code closed-64}, {@code open-2000/s}, {@code batch-16x100}. */
    String label() {
        return switch (kind) {
            case CLOSED -> "closed-" + clients;
            case OPEN -> "open-" + ratePerSecond + "/s";
            case BATCH -> "batch-" + clients + "x" + batchSize;
        };
    }
}
