package io.chronon.quarkus.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.peer.PeerWire;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * The client API over gRPC ({@code chronon.v1.Chronon}, see {@code chronon/v1/chronon.proto}): the
 * same commands, queries and status as the REST API, with the same answers, on the same port. A
 * malformed protobuf message is {@code INVALID_ARGUMENT}; every other outcome is a reply whose
 * {@code status} is the REST status code, so that one stream can carry failures of single commands.
 */
@GrpcService
@Singleton
public class ClientGrpcService implements BindableService {
    static final String SERVICE = "chronon.v1.Chronon";
    static final MethodDescriptor<byte[], byte[]> SUBMIT = method("Submit", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> SUBMIT_STREAM = method("SubmitStream",
            MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> QUERY = method("Query", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> STATUS = method("Status", MethodDescriptor.MethodType.UNARY);

    private final CommandGateway gateway;
    private final ChrononNode node;

    @Inject
    public ClientGrpcService(CommandGateway gateway, ChrononNode node) {
        this.gateway = gateway;
        this.node = node;
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(PeerWire.BYTES).setResponseMarshaller(PeerWire.BYTES).build();
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(SUBMIT, ServerCalls.asyncUnaryCall(this::submit))
                .addMethod(SUBMIT_STREAM, ServerCalls.asyncBidiStreamingCall(this::submitStream))
                .addMethod(QUERY, ServerCalls.asyncUnaryCall(this::query))
                .addMethod(STATUS, ServerCalls.asyncUnaryCall(this::status))
                .build();
    }

    private void submit(byte[] bytes, StreamObserver<byte[]> reply) {
        ClientProto.SubmitRequest request;
        try {
            request = ClientProto.submitRequest(bytes);
        } catch (InvalidProtocolBufferException e) {
            reply.onError(malformed(e));
            return;
        }
        answer(request).whenComplete((answer, error) -> {
            if (error != null) {
                reply.onError(Status.INTERNAL.withDescription(String.valueOf(error.getMessage())).asRuntimeException());
            } else {
                reply.onNext(ClientProto.submitReply(answer, request.correlation()));
                reply.onCompleted();
            }
        });
    }

    private CompletionStage<CommandAnswers.Answer> answer(ClientProto.SubmitRequest request) {
        String clientId = request.clientId().isEmpty() ? null : request.clientId();
        String requestNumber = clientId == null && request.requestNumber() == 0 ? null
                : Long.toString(request.requestNumber());
        return gateway.submit(clientId, requestNumber, null, request.command().getBytes(StandardCharsets.UTF_8));
    }

    private StreamObserver<byte[]> submitStream(StreamObserver<byte[]> replies) {
        return new StreamObserver<>() {
            private int inFlight;
            private boolean completed;
            private boolean failed;

            @Override
            public void onNext(byte[] bytes) {
                ClientProto.SubmitRequest request;
                try {
                    request = ClientProto.submitRequest(bytes);
                } catch (InvalidProtocolBufferException e) {
                    fail(malformed(e));
                    return;
                }
                synchronized (this) {
                    inFlight++;
                }
                answer(request).whenComplete((answer, error) -> {
                    synchronized (this) {
                        inFlight--;
                        if (failed) {
                            return;
                        }
                        replies.onNext(ClientProto.submitReply(answer != null ? answer : CommandAnswers.failure(error),
                                request.correlation()));
                        if (completed && inFlight == 0) {
                            replies.onCompleted();
                        }
                    }
                });
            }

            private synchronized void fail(RuntimeException error) {
                if (!failed) {
                    failed = true;
                    replies.onError(error);
                }
            }

            @Override
            public synchronized void onError(Throwable error) {
                failed = true;
            }

            @Override
            public synchronized void onCompleted() {
                completed = true;
                if (inFlight == 0 && !failed) {
                    replies.onCompleted();
                }
            }
        };
    }

    private void query(byte[] bytes, StreamObserver<byte[]> reply) {
        ClientProto.QueryRequest request;
        try {
            request = ClientProto.queryRequest(bytes);
        } catch (InvalidProtocolBufferException e) {
            reply.onError(malformed(e));
            return;
        }
        gateway.query(request.local() ? "local" : "linearizable", null,
                request.query().getBytes(StandardCharsets.UTF_8)).whenComplete((answer, error) -> {
                    if (error != null) {
                        reply.onError(Status.INTERNAL.withDescription(String.valueOf(error.getMessage()))
                                .asRuntimeException());
                    } else {
                        reply.onNext(ClientProto.queryReply(answer));
                        reply.onCompleted();
                    }
                });
    }

    private void status(byte[] bytes, StreamObserver<byte[]> reply) {
        try {
            reply.onNext(ClientProto.statusReply(node.status()));
            reply.onCompleted();
        } catch (IllegalStateException notRunning) {
            reply.onError(Status.UNAVAILABLE.withDescription(notRunning.getMessage()).asRuntimeException());
        }
    }

    private static RuntimeException malformed(InvalidProtocolBufferException e) {
        return Status.INVALID_ARGUMENT.withDescription("not a message of chronon/v1/chronon.proto: " + e.getMessage())
                .asRuntimeException();
    }
}
