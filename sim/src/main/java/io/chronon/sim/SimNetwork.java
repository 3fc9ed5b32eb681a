package io.chronon.sim;

import java.util.List;
import java.util.SplittableRandom;

import io.chronon.vsr.Message;

/**
 * The network between replicas, and between clients and replicas: every message gets a random
 * delay (so messages reorder), may be lost or duplicated, and links can be cut in one direction or
 * both. Clients reach replicas over a lossy link too, but partitions cut only replica links.
 */
final class SimNetwork {
    private final EventLoop loop;
    private final SplittableRandom random;
    private final boolean[][] cut;
    private List<SimNode> nodes;
    private double loss;
    private double duplication;
    private long delayMaxNanos;

    SimNetwork(EventLoop loop, SplittableRandom random, int replicas) {
        this.loop = loop;
        this.random = random;
        this.cut = new boolean[replicas][replicas];
        calm();
    }

    void connect(List<SimNode> nodes) {
        this.nodes = nodes;
    }

    /** Little loss, short delays: the network after faults stop. */
    void calm() {
        loss = 0.0;
        duplication = 0.0;
        delayMaxNanos = 2_000_000;
    }

    void degrade(double loss, double duplication, long delayMaxNanos) {
        this.loss = loss;
        this.duplication = duplication;
        this.delayMaxNanos = delayMaxNanos;
    }

    void cut(int from, int to) {
        cut[from][to] = true;
    }

    void heal() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    boolean isCut(int from, int to) {
        return cut[from][to];
    }

    void send(int from, int to, Message message) {
        if (cut[from][to]) {
            return;
        }
        int copies = random.nextDouble() < duplication ? 2 : 1;
        for (int copy = 0; copy < copies; copy++) {
            if (random.nextDouble() < loss) {
                continue;
            }
            SimNode target = nodes.get(to);
            loop.after(delay(), () -> target.deliver(message));
        }
    }

    /** A message between a client and a replica, in either direction. */
    void toClient(Runnable delivery) {
        if (random.nextDouble() < loss) {
            return;
        }
        loop.after(delay(), delivery);
    }

    private long delay() {
        return 20_000 + (long) (random.nextDouble() * delayMaxNanos);
    }
}
