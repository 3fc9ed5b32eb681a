package io.chronon.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NodeSpecTest {

    @Test
    void commandIsJavaHeapOptionsPropertiesThenJar() {
        NodeSpec spec = NodeSpec.builder("n1")
                .jar(Path.of("app/target/quarkus-app/quarkus-run.jar"))
                .jvmArg("-XX:+UseSerialGC")
                .nodeId(1)
                .members("0,1,2")
                .httpPort(8081)
                .dataDir(Path.of("/tmp/n1"))
                .dialAddresses("0=127.0.0.1:1,2=127.0.0.1:2")
                .build();
        assertEquals(List.of(NodeSpec.javaExecutable().toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dchronon.node-id=1", "-Dchronon.members=0,1,2", "-Dquarkus.http.port=8081",
                "-Dchronon.data-dir=/tmp/n1", "-Dchronon.dial-addresses=0=127.0.0.1:1,2=127.0.0.1:2",
                "-jar", "app/target/quarkus-app/quarkus-run.jar"), spec.command());
        assertEquals(8081, spec.httpPort());
        assertEquals(Path.of("target", "testkit-logs", "n1.log"), spec.logFile());
        assertEquals(System.getProperty("java.home"), NodeSpec.javaExecutable().getParent().getParent().toString());
    }

    @Test
    void mainClassAndVariations() {
        NodeSpec spec = NodeSpec.builder("t").mainClass("a.jar:b", "x.Main").maxHeap("64m").arg("go").build();
        assertEquals(List.of(NodeSpec.javaExecutable().toString(), "-Xmx64m", "-cp", "a.jar:b", "x.Main", "go"),
                spec.command());
        assertEquals(0, spec.httpPort());
        NodeSpec moved = spec.withSystemProperty(NodeSpec.HTTP_PORT, "9000");
        assertEquals(9000, moved.httpPort());
        assertEquals(9001, moved.withSystemProperty(NodeSpec.HTTP_PORT, "9001").httpPort());
        assertEquals(spec, spec.toBuilder().build());
        assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder("none").build());
        assertThrows(UnsupportedOperationException.class, () -> spec.systemProperties().put("a", "b"));
    }
}
