package io.chronon.quarkus.peer;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.chronon.node.ClusterBootstrap;
import io.chronon.vsr.Message;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import org.jboss.logging.Logger;

/**
 * The receiving end of the peer transport, served on the HTTP port. A peer opens {@code Connect},
 * answers the challenge with its proof of the cluster secret, then streams batches of frames. Every
 * frame is checked (checksum, structure, sender, cluster) before the replica sees it; anything wrong
 * is logged, counted and closes that stream, never the node.
 */
@GrpcService
@Singleton
public class PeerService implements BindableService {
    private static final Logger LOG = Logger.getLogger(PeerService.class);

    private final PeerGate gate;
    private final ThrottledWarning refusals = new ThrottledWarning(LOG);
    private final ThrottledWarning malformedFrames = new ThrottledWarning(LOG);

    @Inject
    public PeerService(PeerGate gate) {
        this.gate = gate;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(PeerWire.SERVICE)
                .addMethod(PeerWire.CONNECT, ServerCalls.asyncBidiStreamingCall(this::connect))
                .addMethod(PeerWire.DESCRIBE, ServerCalls.asyncUnaryCall(this::describe))
                .addMethod(PeerWire.DIGESTS, ServerCalls.asyncUnaryCall(this::digests))
                .build();
    }

    private void describe(byte[] bytes, StreamObserver<byte[]> reply) {
        PeerHost host = gate.host();
        if (host == null) {
            reply.onError(Status.UNAVAILABLE.withDescription("the node is not running yet").asRuntimeException());
            return;
        }
        PeerWire.DescribeRequest request;
        try {
            request = PeerWire.DescribeRequest.decode(bytes);
        } catch (IllegalArgumentException e) {
            malformed("a describe request", e);
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        if (request.to() != host.self()) {
            refuse("wrong-replica", "replica " + request.from() + " asked replica " + request.to() + " but this is "
                    + host.self() + ": check chronon.dial-addresses and chronon.members");
            reply.onError(Status.FAILED_PRECONDITION.withDescription("this is replica " + host.self() + ", not "
                    + request.to()).asRuntimeException());
            return;
        }
        ClusterBootstrap.PeerDirectory directory = host.directory();
        UUID cluster = directory instanceof ClusterBootstrap.PeerDirectory.Member member ? member.clusterId() : null;
        boolean genesis = directory instanceof ClusterBootstrap.PeerDirectory.Member member && member.genesis();
        byte[] mac = gate.secret().describeProof(PeerWire.DescribeReply.signed(request, host.self(), cluster, genesis));
        reply.onNext(new PeerWire.DescribeReply(host.self(), cluster, genesis, mac).encode());
        reply.onCompleted();
    }

    /** A peer's {@code GET /chronon/verify} asks for this replica's digests; the answer is signed. */
    private void digests(byte[] bytes, StreamObserver<byte[]> reply) {
        PeerHost host = gate.host();
        if (host == null) {
            reply.onError(Status.UNAVAILABLE.withDescription("the node is not running yet").asRuntimeException());
            return;
        }
        PeerWire.DigestsRequest request;
        try {
            request = PeerWire.DigestsRequest.decode(bytes);
        } catch (IllegalArgumentException e) {
            malformed("a digests request", e);
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        if (request.to() != host.self()) {
            reply.onError(Status.FAILED_PRECONDITION.withDescription("this is replica " + host.self() + ", not "
                    + request.to()).asRuntimeException());
            return;
        }
        byte[][] digests;
        String problem = null;
        try {
            digests = host.digests(request.indices());
        } catch (IllegalStateException e) {
            digests = new byte[0][];
            problem = e.getMessage();
        }
        byte[] mac = gate.secret().digestsProof(PeerWire.DigestsReply.signed(request, host.self(), digests, problem));
        reply.onNext(new PeerWire.DigestsReply(host.self(), digests, problem, mac).encode());
        reply.onCompleted();
    }

    private StreamObserver<byte[]> connect(StreamObserver<byte[]> toPeer) {
        PeerHost host = gate.host();
        if (host == null || host.clusterId() == null) {
            toPeer.onError(Status.UNAVAILABLE.withDescription("the node is still starting").asRuntimeException());
            return ignoring();
        }
        byte[] nonce = gate.secret().nonce();
        toPeer.onNext(new PeerWire.Challenge(host.self(), nonce).encode());
        return new Inbound(host, nonce, toPeer);
    }

    /** One peer's stream: first its proof, then batches. */
    private final class Inbound implements StreamObserver<byte[]> {
        private final PeerHost host;
        private final UUID cluster;
        private final byte[] nonce;
        private final StreamObserver<byte[]> toPeer;
        private int peer = -1;
        private boolean closed;

        Inbound(PeerHost host, byte[] nonce, StreamObserver<byte[]> toPeer) {
            this.host = host;
            this.cluster = host.clusterId();
            this.nonce = nonce;
            this.toPeer = toPeer;
        }

        @Override
        public synchronized void onNext(byte[] bytes) {
            if (closed) {
                return;
            }
            if (peer < 0) {
                authenticate(bytes);
                return;
            }
            List<byte[]> frames;
            try {
                frames = PeerWire.frames(bytes);
            } catch (IllegalArgumentException e) {
                malformed("a batch from replica " + peer, e);
                close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                return;
            }
            PeerHost current = gate.host();
            for (byte[] frame : frames) {
                Message message;
                try {
                    message = PeerGate.WIRE.decode(frame);
                } catch (IllegalArgumentException e) {
                    malformed("a frame from replica " + peer, e);
                    close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                    return;
                }
                if (message.from() != peer || !message.cluster().equals(cluster)) {
                    malformed("a frame from replica " + peer, new IllegalArgumentException("it claims to come from"
                            + " replica " + message.from() + " of cluster " + message.cluster()));
                    close(Status.INVALID_ARGUMENT.withDescription("a frame names another sender or cluster"));
                    return;
                }
                if (current != host) {
                    // The node restarted since this stream opened: the peer reconnects to the new one.
                    close(Status.UNAVAILABLE.withDescription("the node restarted"));
                    return;
                }
                gate.counters().received(message);
                host.deliver(message);
            }
        }

        private void authenticate(byte[] bytes) {
            PeerWire.Proof proof;
            try {
                proof = PeerWire.Proof.decode(bytes);
            } catch (IllegalArgumentException e) {
                malformed("a handshake", e);
                close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                return;
            }
            String refusal = null;
            String reason = null;
            if (proof.to() != host.self()) {
                reason = "wrong-replica";
                refusal = "replica " + proof.from() + " dialled replica " + proof.to() + " but reached " + host.self()
                        + ": check chronon.dial-addresses and chronon.members";
            } else if (proof.from() < 0 || proof.from() >= host.members() || proof.from() == host.self()) {
                reason = "unknown-replica";
                refusal = "a peer claims to be replica " + proof.from() + ", not a peer in a cluster of "
                        + host.members();
            } else if (!proof.cluster().equals(cluster)) {
                reason = "other-cluster";
                refusal = "replica " + proof.from() + " belongs to cluster " + proof.cluster() + ", this replica to "
                        + cluster + ": its data directory is of another cluster";
            } else if (!PeerSecret.matches(gate.secret().connectProof(nonce, proof.from(), proof.to(), cluster),
                    proof.mac())) {
                reason = "wrong-secret";
                refusal = "replica " + proof.from() + " cannot prove the cluster secret: check chronon.cluster-secret";
            }
            if (refusal != null) {
                refuse(reason, refusal);
                close(Status.PERMISSION_DENIED.withDescription(refusal));
                return;
            }
            peer = proof.from();
        }

        private void close(Status status) {
            closed = true;
            toPeer.onError(status.asRuntimeException());
        }

        @Override
        public void onError(Throwable error) {
            closed = true;
        }

        @Override
        public synchronized void onCompleted() {
            if (!closed) {
                closed = true;
                toPeer.onCompleted();
            }
        }
    }

    private void refuse(String reason, String message) {
        gate.counters().refused(reason);
        refusals.log("refused a peer: " + message);
    }

    private void malformed(String what, IllegalArgumentException error) {
        gate.counters().malformed();
        malformedFrames.log("dropped " + what + " that failed its checks (" + error.getMessage()
                + "); the stream is closed");
    }

    private static StreamObserver<byte[]> ignoring() {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }
}
