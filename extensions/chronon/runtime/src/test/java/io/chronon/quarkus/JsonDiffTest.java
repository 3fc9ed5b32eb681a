package io.chronon.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonDiffTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private List<String> diff(String from, String to) throws Exception {
        return JsonDiff.diff(mapper.readTree(from), mapper.readTree(to)).stream().map(JsonDiff.Change::toString)
                .toList();
    }

    @Test
    void equalValuesHaveNoChanges() throws Exception {
        assertEquals(List.of(), diff("{\"a\":[1,{\"b\":2}]}", "{\"a\":[1,{\"b\":2}]}"));
    }

    @Test
    void changesAreNamedByJsonPointerInKeyOrder() throws Exception {
        assertEquals(List.of("/balances/alice: 70 -> 60", "/balances/bob: removed (was 10)",
                        "/balances/carol: added 20", "/balances/x~1y~0z: 1 -> 2"),
                diff("{\"balances\":{\"bob\":10,\"alice\":70,\"x/y~z\":1}}",
                        "{\"balances\":{\"alice\":60,\"carol\":20,\"x/y~z\":2}}"));
    }

    @Test
    void arraysAreComparedByPosition() throws Exception {
        assertEquals(List.of("/1: 2 -> 5", "/3: added 4"), diff("[1,2,3]", "[1,5,3,4]"));
        assertEquals(List.of("/2: removed (was 3)"), diff("[1,2,3]", "[1,2]"));
    }

    @Test
    void aChangedTypeIsAReplacementOfTheWholeValue() throws Exception {
        assertEquals(List.of("/: {\"a\":1} -> [1]"), diff("{\"a\":1}", "[1]"));
    }
}
