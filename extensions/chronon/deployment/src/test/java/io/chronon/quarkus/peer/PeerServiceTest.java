package io.chronon.quarkus.peer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.FileDisk;
import io.chronon.engine.LogOptions;
import io.chronon.node.ClusterBootstrap;
import io.chronon.quarkus.deployment.CounterApplication;
import io.chronon.vsr.Message;
import io.chronon.vsr.MessageCodec;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiving end of the peer transport, driven by a test that plays replica 1 of a three-replica
 * cluster whose replica 0 is the node under test (its peers 1 and 2 are not running). A peer without
 * the secret, of another cluster, or sending a damaged or forged frame is refused, logged and counted;
 * the node goes on. A peer that proves itself gets its messages delivered.
 */
class PeerServiceTest {
    private static final UUID CLUSTER = UUID.fromString("7e57c1a5-0000-4000-8000-000000000001");
    private static final String SECRET = "peer-service-test-secret";
    private static final int PORT = 8081;
    private static final MessageCodec WIRE = new MessageCodec(LogOptions.DEFAULTS.maxPayloadBytes());

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CounterApplication.class))
            .overrideConfigKey("chronon.data-dir", preparedDirectory().toString())
            .overrideConfigKey("chronon.node-id", "0")
            .overrideConfigKey("chronon.members", "localhost:" + PORT + ",localhost:1,localhost:2")
            .overrideConfigKey("chronon.cluster-secret", SECRET);

    private ManagedChannel channel;

    /** A data directory of {@link #CLUSTER}, so the node starts at once instead of bootstrapping. */
    private static Path preparedDirectory() {
        try {
            Path directory = Path.of("target/test-data/" + UUID.randomUUID()).toAbsolutePath();
            Files.createDirectories(directory);
            DataDirectory.open(FileDisk.open(directory, false), LogOptions.DEFAULTS, () -> CLUSTER,
                    UUID::randomUUID).close();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void dial() {
        channel = NettyChannelBuilder.forAddress("localhost", PORT).usePlaintext().build();
    }

    @AfterEach
    void hangUp() {
        channel.shutdownNow();
    }

    /** One Connect stream, as replica {@code from} would open it. */
    private final class Stream {
        final ClientCall<byte[], byte[]> call = channel.newCall(PeerWire.CONNECT, CallOptions.DEFAULT);
        final CompletableFuture<byte[]> challenge = new CompletableFuture<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        Stream() {
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    challenge.complete(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
            call.request(1);
        }

        void prove(int from, UUID cluster, String secret) throws Exception {
            PeerWire.Challenge received = PeerWire.Challenge.decode(challenge.get(5, TimeUnit.SECONDS));
            assertEquals(0, received.server(), "the node answers as replica 0");
            call.sendMessage(new PeerWire.Proof(from, 0, cluster,
                    new PeerSecret(secret).connectProof(received.nonce(), from, 0, cluster)).encode());
        }

        void send(byte[]... frames) {
            call.sendMessage(PeerWire.batch(List.of(frames)));
        }

        Status awaitClose() throws Exception {
            return closed.get(5, TimeUnit.SECONDS);
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void aPeerWithoutTheSecretIsRefusedAndCounted() throws Exception {
        Stream stream = new Stream();
        stream.prove(1, CLUSTER, "not-the-secret");
        Status status = stream.awaitClose();
        assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
        assertTrue(status.getDescription().contains("cluster secret"), status.getDescription());
        assertTrue(metrics().contains("chronon_peer_refused_total{reason=\"wrong-secret\"}"));
        given().get("/chronon/status").then().statusCode(200).body(containsString("\"nodeId\":0"));
    }

    @Test
    void aPeerOfAnotherClusterIsRefused() throws Exception {
        Stream stream = new Stream();
        UUID other = UUID.randomUUID();
        stream.prove(1, other, SECRET);
        Status status = stream.awaitClose();
        assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
        assertTrue(status.getDescription().contains(other.toString()), status.getDescription());
        assertTrue(metrics().contains("chronon_peer_refused_total{reason=\"other-cluster\"}"));
    }

    @Test
    void aPeerClaimingToBeThisReplicaOrAnUnknownOneIsRefused() throws Exception {
        Stream self = new Stream();
        self.prove(0, CLUSTER, SECRET);
        assertEquals(Status.Code.PERMISSION_DENIED, self.awaitClose().getCode());
        Stream unknown = new Stream();
        unknown.prove(7, CLUSTER, SECRET);
        assertEquals(Status.Code.PERMISSION_DENIED, unknown.awaitClose().getCode());
        assertTrue(metrics().contains("chronon_peer_refused_total{reason=\"unknown-replica\"}"));
    }

    @Test
    void aDamagedFrameClosesTheStreamAndIsCounted() throws Exception {
        Stream stream = new Stream();
        stream.prove(1, CLUSTER, SECRET);
        byte[] frame = WIRE.encode(new Message.StartViewChange(CLUSTER, 1, 1, true));
        frame[frame.length - 1] ^= 0x40;
        stream.send(frame);
        Status status = stream.awaitClose();
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("checksum"), status.getDescription());
        assertTrue(metrics().contains("chronon_peer_malformed_total"));
        given().get("/chronon/status").then().statusCode(200);
    }

    @Test
    void aFrameForgedInAnotherReplicasNameIsRefused() throws Exception {
        Stream stream = new Stream();
        stream.prove(1, CLUSTER, SECRET);
        stream.send(WIRE.encode(new Message.StartViewChange(CLUSTER, 2, 1, true)));
        Status status = stream.awaitClose();
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("another sender"), status.getDescription());
    }

    @Test
    void aProvenPeersMessagesReachTheReplica() throws Exception {
        Stream stream = new Stream();
        stream.prove(1, CLUSTER, SECRET);
        // Replica 1 votes for view 40: the node under test joins that view change.
        stream.send(WIRE.encode(new Message.StartViewChange(CLUSTER, 1, 40, true)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int view = 0;
        while (view < 40 && System.nanoTime() < deadline) {
            view = given().get("/chronon/status").then().statusCode(200).extract().path("view");
            Thread.sleep(20);
        }
        assertTrue(view >= 40, "the vote was delivered: the replica moved to view " + view);
        assertTrue(!stream.closed.isDone(), "the stream stays open: " + stream.closed.getNow(null));
    }

    @Test
    void describeTellsAnEmptyPeerWhichClusterThisReplicaHoldsProvingTheSecret() {
        DirectoryProbe probe = new DirectoryProbe(1, new PeerSecret(SECRET), new PeerCounters(
                new SimpleMeterRegistry()));
        ClusterBootstrap.PeerDirectory answer = probe.ask(0, "localhost:" + PORT).orElseThrow();
        ClusterBootstrap.PeerDirectory.Member member = assertInstanceOf(ClusterBootstrap.PeerDirectory.Member.class,
                answer);
        assertEquals(CLUSTER, member.clusterId());
        assertTrue(member.genesis(), "no entry and no commit yet");

        DirectoryProbe impostor = new DirectoryProbe(1, new PeerSecret("another-secret"), new PeerCounters(
                new SimpleMeterRegistry()));
        assertTrue(impostor.ask(0, "localhost:" + PORT).isEmpty(),
                "an answer that does not prove our secret is ignored");
        assertTrue(probe.ask(2, "localhost:" + PORT).isEmpty(), "the address answers as another replica");
    }

    @Test
    void digestsAreAnsweredOnlyToWhoKnowsTheSecretAndSayWhyWhenTheyCannotBe() {
        // This replica has applied nothing (its peers never start): it says so, signed.
        PeerDigests.Answer answer = new PeerDigests(1, new PeerSecret(SECRET)).ask(0, "localhost:" + PORT,
                new long[] {0});
        PeerDigests.Answer.Unknown unknown = assertInstanceOf(PeerDigests.Answer.Unknown.class, answer);
        assertTrue(unknown.reason().contains("beyond the applied history"), unknown.reason());

        PeerDigests.Answer impostor = new PeerDigests(1, new PeerSecret("another-secret")).ask(0, "localhost:" + PORT,
                new long[] {0});
        assertTrue(assertInstanceOf(PeerDigests.Answer.Unknown.class, impostor).reason().contains("cluster secret"),
                "an answer that does not prove our secret is not believed");
        assertTrue(assertInstanceOf(PeerDigests.Answer.Unknown.class, new PeerDigests(1, new PeerSecret(SECRET))
                .ask(2, "localhost:" + PORT, new long[] {0})).reason().contains("replica"), "the wrong replica");
    }
}
