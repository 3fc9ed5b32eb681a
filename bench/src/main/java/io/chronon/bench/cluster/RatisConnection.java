package io.chronon.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Ratis clients, one per lane (64 independent clients for 64 in flight: one client's ordered sliding
 * window reached less than half of that in the reference). A request is {@code async().send} of one
 * {@link PutBatch} message; with several keys that message is the batch (one log entry), which is all the
 * batching Ratis offers a client besides keeping many requests of one client in flight.
 */
final class RatisConnection implements KvConnection {
    private final RaftGroup group;
    private final RaftPeerId leader;
    private final List<RaftClient> clients = new CopyOnWriteArrayList<>();

    RatisConnection(RaftGroup group, RaftPeerId leader) {
        this.group = group;
        this.leader = leader;
    }

    @Override
    public Lane newLane() {
        RaftClient client = RaftClient.newBuilder().setProperties(RatisSetup.properties()).setRaftGroup(group)
                .setLeaderId(leader).build();
        clients.add(client);
        return keys -> send(client, keys);
    }

    private static CompletableFuture<Void> send(RaftClient client, List<String> keys) {
        return client.async().send(Message.valueOf(PutBatch.encode(keys, KeySpace.VALUE))).thenApply(reply -> {
            if (!reply.isSuccess()) {
                throw new RefusedException("not successful: " + reply.getException());
            }
            return null;
        });
    }

    @Override
    public void close() {
        for (RaftClient client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close a Ratis client", e);
            }
        }
    }
}
