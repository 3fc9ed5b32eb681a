package io.chronon.quarkus.peer;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.chronon.node.ClusterBootstrap;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.jboss.logging.Logger;

/**
 * Asks a peer what its data directory holds, for an empty replica deciding how to start. Only an
 * answer that proves the cluster secret and comes from the replica asked counts.
 */
public final class DirectoryProbe {
    private static final Logger LOG = Logger.getLogger(DirectoryProbe.class);

    private final int self;
    private final PeerSecret secret;
    private final PeerCounters counters;

    public DirectoryProbe(int self, PeerSecret secret, PeerCounters counters) {
        this.self = self;
        this.secret = secret;
        this.counters = counters;
    }

    /** The peer's answer, or empty if it could not be reached or did not prove itself. */
    public Optional<ClusterBootstrap.PeerDirectory> ask(int peer, String address) {
        int colon = address.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)))).usePlaintext().build();
        try {
            PeerWire.DescribeRequest request = new PeerWire.DescribeRequest(self, peer, secret.nonce());
            byte[] bytes = ClientCalls.blockingUnaryCall(channel, PeerWire.DESCRIBE,
                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), request.encode());
            PeerWire.DescribeReply reply = PeerWire.DescribeReply.decode(bytes);
            byte[] expected = secret.describeProof(PeerWire.DescribeReply.signed(request, reply.responder(),
                    reply.cluster(), reply.genesis()));
            if (reply.responder() != peer || !PeerSecret.matches(expected, reply.mac())) {
                counters.refused(reply.responder() != peer ? "wrong-replica" : "wrong-secret");
                LOG.warnf("replica %d at %s answered as replica %d%s: its answer is ignored", peer, address,
                        reply.responder(), reply.responder() == peer ? " without proving the cluster secret" : "");
                return Optional.empty();
            }
            return Optional.of(reply.cluster() == null ? new ClusterBootstrap.PeerDirectory.Empty()
                    : new ClusterBootstrap.PeerDirectory.Member(reply.cluster(), reply.genesis()));
        } catch (StatusRuntimeException e) {
            LOG.debugf("replica %d at %s did not answer: %s", peer, address, e.getStatus());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            counters.malformed();
            LOG.warnf("replica %d at %s sent a malformed answer: %s", peer, address, e.getMessage());
            return Optional.empty();
        } finally {
            channel.shutdownNow();
        }
    }
}
