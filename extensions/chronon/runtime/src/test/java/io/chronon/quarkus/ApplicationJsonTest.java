package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.chronon.kernel.Applied;
import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;
import org.junit.jupiter.api.Test;

/** The strict reading of commands: exactly what the types say, nothing coerced. */
class ApplicationJsonTest {

    record Order(String item, int quantity, double price, boolean gift) {}

    /** Commands are orders; the codec writes them back as text so that the test can see what was read. */
    static final class Shop implements ChrApplication<String, Order, String, String> {
        private static final Codec<Order> ORDERS = new Codec<>() {
            @Override
            public byte[] encode(Order order) {
                return order.toString().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Order decode(byte[] bytes) {
                throw new UnsupportedOperationException();
            }
        };

        @Override
        public String genesis() {
            return "";
        }

        @Override
        public Applied<String, String> apply(String state, Order command, ApplyContext context) {
            return Applied.accept(state, "");
        }

        @Override
        public String query(String state, String query) {
            return state;
        }

        @Override
        public Codec<Order> commands() {
            return ORDERS;
        }

        @Override
        public Codec<String> queries() {
            return null;
        }

        @Override
        public Codec<String> results() {
            return null;
        }

        @Override
        public int snapshotSchemaVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(String state, OutputStream out) {
        }

        @Override
        public String readSnapshot(InputStream in, int schemaVersion) {
            return "";
        }
    }

    private final ApplicationJson json = new ApplicationJson(new Shop());

    private String read(String body) {
        return new String(json.command(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedCommandIsReadWithItsTypes() {
        assertEquals("Order[item=tea, quantity=2, price=1.5, gift=true]",
                read("{\"item\":\"tea\",\"quantity\":2,\"price\":1.5,\"gift\":true}"));
        assertEquals("Order[item=tea, quantity=2, price=3.0, gift=false]",
                read("{\"item\":\"tea\",\"quantity\":2,\"price\":3,\"gift\":false}"));
    }

    @Test
    void nothingIsCoercedFromAnotherJsonType() {
        for (String body : new String[] {
            "{\"item\":\"tea\",\"quantity\":2.5,\"price\":1.5,\"gift\":true}",
            "{\"item\":\"tea\",\"quantity\":\"2\",\"price\":1.5,\"gift\":true}",
            "{\"item\":\"tea\",\"quantity\":2,\"price\":\"1.5\",\"gift\":true}",
            "{\"item\":\"tea\",\"quantity\":2,\"price\":1.5,\"gift\":\"true\"}",
            "{\"item\":\"tea\",\"quantity\":2,\"price\":1.5,\"gift\":1}",
            "{\"item\":5,\"quantity\":2,\"price\":1.5,\"gift\":true}",
            "{\"item\":\"tea\",\"quantity\":null,\"price\":1.5,\"gift\":true}",
            "{\"item\":\"tea\",\"quantity\":2,\"price\":1.5,\"gift\":true,\"quantity\":3}",
        }) {
            assertThrows(ApplicationJson.MalformedException.class, () -> read(body), body);
        }
    }
}
