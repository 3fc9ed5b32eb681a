package io.chronon.bench.cluster;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.chronon.grpc.v1.ChrononGrpc;
import io.chronon.grpc.v1.SubmitReply;
import io.chronon.grpc.v1.SubmitRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * Chronon's gRPC client API ({@code chronon.v1.Chronon}) on one HTTP/2 connection to the primary. A lane
 * that puts one key calls {@code Submit}; a lane that puts several sends them on its own
 * {@code SubmitStream}, all at once, and the request is done when every one is answered: the API has no
 * multi-command message, so on the node each command is still its own log entry. With sessions each lane
 * is a client session (a UUID, request numbers from 1), so retries would be exactly-once.
 */
final class ChrononConnection implements KvConnection {
    private static final int OK = 200;

    private final ManagedChannel channel;
    private final ChrononGrpc.ChrononStub stub;
    private final boolean sessions;
    /** The log index of every acknowledged command, to check that none shares one. */
    private final Set<Long> acknowledgedIndices = ConcurrentHashMap.newKeySet();
    private final LongAdder withoutOwnIndex = new LongAdder();

    ChrononConnection(int port, boolean sessions) {
        // Answers are handled on the transport's threads: the handler only records and sends the next request.
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
        this.stub = ChrononGrpc.newStub(channel);
        this.sessions = sessions;
    }

    @Override
    public Lane newLane() {
        return new ChrononLane(sessions ? UUID.randomUUID().toString() : "");
    }

    @Override
    public long acknowledgementsWithoutOwnIndex() {
        return withoutOwnIndex.sum();
    }

    /** Notes an acknowledged command's index: a second acknowledgement of the same index had no entry of its own. */
    private void acknowledged(SubmitReply reply) {
        if (!reply.hasIndex() || !acknowledgedIndices.add(reply.getIndex())) {
            withoutOwnIndex.increment();
        }
    }

    static String putCommand(String key) {
        return "{\"type\":\"put\",\"key\":\"" + key + "\",\"value\":\"" + KeySpace.VALUE + "\"}";
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class ChrononLane implements Lane {
        private final String clientId;
        private long requestNumber;
        private StreamLane stream;

        ChrononLane(String clientId) {
            this.clientId = clientId;
        }

        private SubmitRequest request(String key, long correlation) {
            SubmitRequest.Builder request = SubmitRequest.newBuilder().setCommand(putCommand(key))
                    .setCorrelation(correlation);
            if (!clientId.isEmpty()) {
                request.setClientId(clientId).setRequestNumber(++requestNumber);
            }
            return request.build();
        }

        @Override
        public CompletableFuture<Void> put(List<String> keys) {
            if (keys.size() > 1) {
                if (stream == null || stream.ended) {
                    stream = new StreamLane();
                }
                return stream.send(this, keys);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            stub.submit(request(keys.getFirst(), 0), new StreamObserver<>() {
                @Override
                public void onNext(SubmitReply reply) {
                    if (reply.getStatus() == OK) {
                        acknowledged(reply);
                        done.complete(null);
                    } else {
                        done.completeExceptionally(refused(reply));
                    }
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                    done.completeExceptionally(new RefusedException("Submit completed without a reply"));
                }
            });
            return done;
        }
    }

    private static RefusedException refused(SubmitReply reply) {
        return new RefusedException("status " + reply.getStatus() + ": " + reply.getError() + reply.getRejection());
    }

    /**
     * One {@code SubmitStream} carrying a lane's batches, one batch at a time. Replies are matched by
     * correlation; those of an earlier batch that timed out are ignored.
     */
    private final class StreamLane implements StreamObserver<SubmitReply> {
        private final StreamObserver<SubmitRequest> requests = stub.submitStream(this);
        private long nextCorrelation = 1;
        private long firstOfBatch;
        private int unanswered;
        private RefusedException failure;
        private CompletableFuture<Void> batch = CompletableFuture.completedFuture(null);
        /** Set when the node ended the stream (an error, say): the lane then opens a new one. */
        private volatile boolean ended;

        synchronized CompletableFuture<Void> send(ChrononLane lane, List<String> keys) {
            batch = new CompletableFuture<>();
            firstOfBatch = nextCorrelation;
            unanswered = keys.size();
            failure = null;
            CompletableFuture<Void> current = batch;
            for (String key : keys) {
                requests.onNext(lane.request(key, nextCorrelation++));
            }
            return current;
        }

        @Override
        public synchronized void onNext(SubmitReply reply) {
            if (reply.getCorrelation() < firstOfBatch) {
                return;
            }
            if (reply.getStatus() == OK) {
                acknowledged(reply);
            } else if (failure == null) {
                failure = refused(reply);
            }
            if (--unanswered == 0) {
                if (failure == null) {
                    batch.complete(null);
                } else {
                    batch.completeExceptionally(failure);
                }
            }
        }

        @Override
        public synchronized void onError(Throwable error) {
            ended = true;
            batch.completeExceptionally(error);
        }

        @Override
        public synchronized void onCompleted() {
            ended = true;
            batch.completeExceptionally(new RefusedException("SubmitStream ended"));
        }
    }
}
