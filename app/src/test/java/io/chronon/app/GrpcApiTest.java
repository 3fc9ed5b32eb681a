package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC client API, spoken as any generated client would: messages are written and read by the
 * field numbers of the published {@code chronon/v1/chronon.proto} (read from the extension jar), with
 * protobuf's own encoder and parser, so the test fails if the node and the proto disagree.
 */
@QuarkusTest
class GrpcApiTest {
    private static final Proto PROTO = Proto.published();

    private ManagedChannel channel;

    @BeforeEach
    void dial() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    @AfterEach
    void hangUp() {
        channel.shutdownNow();
    }

    @Test
    void submitCommitsAndAnswersWithTheResult() {
        String account = "grpc-" + UUID.randomUUID();
        Reply reply = submit(deposit(account, 40), "", 0, 0);
        assertEquals(200, reply.number("status"));
        assertTrue(reply.has("index"), "a committed command has an index");
        assertEquals("{\"account\":\"" + account + "\",\"balance\":40}", reply.text("result"));
    }

    @Test
    void aRetryWithTheSameRequestNumberIsAnsweredNotAppliedAgain() {
        String account = "grpc-" + UUID.randomUUID();
        String client = UUID.randomUUID().toString();
        Reply first = submit(deposit(account, 7), client, 1, 0);
        Reply again = submit(deposit(account, 7), client, 1, 0);
        assertEquals(200, first.number("status"));
        assertEquals(first.number("index"), again.number("index"));
        assertEquals(first.text("result"), again.text("result"));
        Reply balance = query("{\"type\":\"balance\",\"account\":\"" + account + "\"}", false);
        assertEquals("{\"account\":\"" + account + "\",\"balance\":7}", balance.text("result"));
    }

    @Test
    void anOverdraftIsARejectionAndMalformedJsonA400() {
        Reply overdraft = submit("{\"type\":\"withdraw\",\"account\":\"grpc-" + UUID.randomUUID()
                + "\",\"amount\":5}", "", 0, 0);
        assertEquals(422, overdraft.number("status"));
        assertTrue(overdraft.text("rejection").contains("\"code\""), overdraft.text("rejection"));
        Reply malformed = submit("{\"type\":\"deposit\",\"account\":\"a\",\"amount\":1.5}", "", 0, 0);
        assertEquals(400, malformed.number("status"));
        assertFalse(malformed.text("error").isEmpty());
    }

    @Test
    void bytesThatAreNotAMessageAreInvalidArgument() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, method("Submit", MethodDescriptor.MethodType.UNARY),
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[] {(byte) 0xff, 0x01}));
        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    }

    @Test
    void aStreamOfCommandsIsAnsweredOncePerCommandWithItsCorrelation() throws Exception {
        String account = "grpc-" + UUID.randomUUID();
        List<byte[]> replies = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(method("SubmitStream", MethodDescriptor.MethodType.BIDI_STREAMING), CallOptions.DEFAULT),
                new StreamObserver<>() {
                    @Override
                    public synchronized void onNext(byte[] value) {
                        replies.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        int commands = 25;
        for (int i = 1; i <= commands; i++) {
            requests.onNext(submitRequest(deposit(account, 1), "", 0, 1000 + i));
        }
        requests.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        Set<Long> correlations = new HashSet<>();
        for (byte[] bytes : replies) {
            Reply reply = new Reply(PROTO.message("SubmitReply"), bytes);
            assertEquals(200, reply.number("status"), reply.text("error"));
            correlations.add(reply.number("correlation"));
        }
        assertEquals(commands, replies.size());
        assertEquals(commands, correlations.size(), "every correlation once");
        Reply balance = query("{\"type\":\"balance\",\"account\":\"" + account + "\"}", true);
        assertEquals("{\"account\":\"" + account + "\",\"balance\":" + commands + "}", balance.text("result"));
    }

    @Test
    void statusTellsTheRoleAndTheCluster() {
        byte[] bytes = ClientCalls.blockingUnaryCall(channel, method("Status", MethodDescriptor.MethodType.UNARY),
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[0]);
        Reply status = new Reply(PROTO.message("StatusReply"), bytes);
        assertEquals(PROTO.enumValue("Role", "ROLE_PRIMARY"), status.number("role"));
        assertEquals(36, status.text("cluster_id").length(), "a UUID");
        assertEquals("bank", status.text("application"));
        assertTrue(status.has("members"));
    }

    // ---------------------------------------------------------------- a client written from the proto

    private static String deposit(String account, long amount) {
        return "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"amount\":" + amount + "}";
    }

    private Reply submit(String command, String client, long requestNumber, long correlation) {
        byte[] bytes = ClientCalls.blockingUnaryCall(channel, method("Submit", MethodDescriptor.MethodType.UNARY),
                CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS),
                submitRequest(command, client, requestNumber, correlation));
        return new Reply(PROTO.message("SubmitReply"), bytes);
    }

    private static byte[] submitRequest(String command, String client, long requestNumber, long correlation) {
        Map<String, Integer> fields = PROTO.message("SubmitRequest");
        return encode(out -> {
            out.writeString(fields.get("command"), command);
            if (!client.isEmpty()) {
                out.writeString(fields.get("client_id"), client);
                out.writeUInt64(fields.get("request_number"), requestNumber);
            }
            out.writeUInt64(fields.get("correlation"), correlation);
        });
    }

    private Reply query(String query, boolean local) {
        Map<String, Integer> fields = PROTO.message("QueryRequest");
        byte[] request = encode(out -> {
            out.writeString(fields.get("query"), query);
            if (local) {
                out.writeEnum(fields.get("consistency"), PROTO.enumValue("Consistency", "CONSISTENCY_LOCAL"));
            }
        });
        byte[] bytes = ClientCalls.blockingUnaryCall(channel, method("Query", MethodDescriptor.MethodType.UNARY),
                CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS), request);
        Reply reply = new Reply(PROTO.message("QueryReply"), bytes);
        assertEquals(200, reply.number("status"), reply.text("error"));
        return reply;
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        assertTrue(PROTO.rpcs().contains(name), "the proto declares rpc " + name);
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(PROTO.service(), name))
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }

    private interface Writing {
        void to(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writing.to(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A reply read by protobuf's parser, its fields looked up by their names in the proto. */
    private record Reply(Map<String, Integer> fields, UnknownFieldSet parsed) {
        Reply(Map<String, Integer> fields, byte[] bytes) {
            this(fields, parse(bytes));
        }

        private static UnknownFieldSet parse(byte[] bytes) {
            try {
                return UnknownFieldSet.parseFrom(bytes);
            } catch (IOException e) {
                throw new AssertionError("not a protobuf message", e);
            }
        }

        boolean has(String name) {
            return parsed.hasField(number(name, fields));
        }

        long number(String name) {
            UnknownFieldSet.Field field = parsed.getField(number(name, fields));
            return field.getVarintList().isEmpty() ? 0 : field.getVarintList().getFirst();
        }

        String text(String name) {
            UnknownFieldSet.Field field = parsed.getField(number(name, fields));
            return field.getLengthDelimitedList().isEmpty() ? ""
                    : field.getLengthDelimitedList().getFirst().toStringUtf8();
        }

        private static int number(String name, Map<String, Integer> fields) {
            Integer number = fields.get(name);
            assertTrue(number != null, "the proto declares field " + name);
            return number;
        }
    }

    /** The published proto's service name, rpcs, field numbers and enum values. */
    private record Proto(String service, Set<String> rpcs, Map<String, Map<String, Integer>> messages,
                         Map<String, Map<String, Integer>> enums) {
        private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
        private static final Pattern SERVICE = Pattern.compile("^service (\\w+) \\{", Pattern.MULTILINE);
        private static final Pattern RPC = Pattern.compile("rpc (\\w+)\\(");
        private static final Pattern BLOCK = Pattern.compile("^(message|enum) (\\w+) \\{([^}]*)}", Pattern.MULTILINE);
        private static final Pattern FIELD = Pattern.compile("^\\s*(?:optional |repeated )?\\w+ (\\w+) = (\\d+);",
                Pattern.MULTILINE);
        private static final Pattern VALUE = Pattern.compile("^\\s*(\\w+) = (\\d+);", Pattern.MULTILINE);

        static Proto published() {
            String text;
            try (InputStream in = GrpcApiTest.class.getClassLoader().getResourceAsStream("chronon/v1/chronon.proto")) {
                assertTrue(in != null, "chronon/v1/chronon.proto is not in the extension jar");
                // Comments may hold braces: drop them before reading the blocks.
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("//[^\n]*", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Matcher packageName = PACKAGE.matcher(text);
            Matcher service = SERVICE.matcher(text);
            assertTrue(packageName.find() && service.find(), "package and service");
            Set<String> rpcs = new HashSet<>();
            Matcher rpc = RPC.matcher(text);
            while (rpc.find()) {
                rpcs.add(rpc.group(1));
            }
            Map<String, Map<String, Integer>> messages = new HashMap<>();
            Map<String, Map<String, Integer>> enums = new HashMap<>();
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                Map<String, Integer> numbers = new HashMap<>();
                Matcher entry = (block.group(1).equals("message") ? FIELD : VALUE).matcher(block.group(3));
                while (entry.find()) {
                    numbers.put(entry.group(1), Integer.parseInt(entry.group(2)));
                }
                (block.group(1).equals("message") ? messages : enums).put(block.group(2), numbers);
            }
            return new Proto(packageName.group(1) + "." + service.group(1), rpcs, messages, enums);
        }

        Map<String, Integer> message(String name) {
            Map<String, Integer> fields = messages.get(name);
            assertTrue(fields != null, "the proto declares message " + name);
            return fields;
        }

        int enumValue(String name, String value) {
            Integer number = enums.getOrDefault(name, Map.of()).get(value);
            assertTrue(number != null, "the proto declares " + name + "." + value);
            return number;
        }
    }
}
