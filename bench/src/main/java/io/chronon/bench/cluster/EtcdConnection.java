package io.chronon.bench.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

/**
 * jetcd (0.8.5) on one connection to the leader only, the best of the reference's etcd settings (all
 * members round-robin was 2.7x slower). One key is a {@code Put}; several are one {@code Txn} whose
 * success branch puts them all: a single proposal, etcd's form of a batch (at most
 * {@code --max-txn-ops}, 128 by default, per transaction).
 */
final class EtcdConnection implements KvConnection {
    private static final ByteSequence VALUE = ByteSequence.from(KeySpace.VALUE, StandardCharsets.UTF_8);

    private final Client client;
    private final KV kv;

    EtcdConnection(String endpoint) {
        this.client = Client.builder().endpoints(endpoint).build();
        this.kv = client.getKVClient();
    }

    @Override
    public Lane newLane() {
        return this::put;
    }

    private CompletableFuture<Void> put(List<String> keys) {
        if (keys.size() == 1) {
            return kv.put(key(keys.getFirst()), VALUE).thenApply(response -> null);
        }
        Op[] puts = keys.stream().map(key -> Op.put(key(key), VALUE, PutOption.DEFAULT)).toArray(Op[]::new);
        return kv.txn().Then(puts).commit().thenApply(response -> {
            if (!response.isSucceeded()) {
                throw new RefusedException("the transaction did not succeed");
            }
            return null;
        });
    }

    private static ByteSequence key(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        kv.close();
        client.close();
    }
}
