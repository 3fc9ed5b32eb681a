package io.chronon.quarkus.peer;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;

/**
 * Asks a peer for its applied-state digests at some indices, for {@code GET /chronon/verify}. Only an
 * answer that proves the cluster secret, comes from the replica asked and answers this request (its
 * nonce) counts; anything else is an unknown, never an agreement.
 */
public final class PeerDigests {
    /** What a peer said: its digests, or why they are not known. */
    public sealed interface Answer {
        record Digests(byte[][] digests) implements Answer {}

        record Unknown(String reason) implements Answer {}
    }

    private final int self;
    private final PeerSecret secret;

    public PeerDigests(int self, PeerSecret secret) {
        this.self = self;
        this.secret = secret;
    }

    public Answer ask(int peer, String address, long[] indices) {
        int colon = address.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)))).usePlaintext().build();
        try {
            PeerWire.DigestsRequest request = new PeerWire.DigestsRequest(self, peer, secret.nonce(), indices);
            byte[] bytes = ClientCalls.blockingUnaryCall(channel, PeerWire.DIGESTS,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request.encode());
            PeerWire.DigestsReply reply = PeerWire.DigestsReply.decode(bytes);
            byte[] expected = secret.digestsProof(PeerWire.DigestsReply.signed(request, reply.responder(),
                    reply.digests(), reply.problem()));
            if (reply.responder() != peer) {
                return new Answer.Unknown("replica " + reply.responder() + " answered instead of " + peer);
            }
            if (!PeerSecret.matches(expected, reply.mac())) {
                return new Answer.Unknown("its answer does not prove the cluster secret");
            }
            if (reply.problem() != null) {
                return new Answer.Unknown(reply.problem());
            }
            if (reply.digests().length != indices.length) {
                return new Answer.Unknown("it answered " + reply.digests().length + " digests for " + indices.length
                        + " indices: " + Arrays.toString(indices));
            }
            return new Answer.Digests(reply.digests());
        } catch (StatusRuntimeException e) {
            return new Answer.Unknown("unreachable: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"));
        } catch (IllegalArgumentException e) {
            return new Answer.Unknown("a malformed answer: " + e.getMessage());
        } finally {
            channel.shutdownNow();
        }
    }
}
