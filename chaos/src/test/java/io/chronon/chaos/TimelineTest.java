package io.chronon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.chronon.testkit.History;
import org.junit.jupiter.api.Test;

class TimelineTest {
    @Test
    void everyFaultWindowIsShadedAndLabelledAndEveryUnansweredOperationMarked() {
        History history = new History();
        history.invoke(0, "put", "{}").ok("{}");
        history.invoke(1, "put", "{}").fail("unavailable");
        history.invoke(2, "put", "{}").unknown("timeout");
        history.invoke(3, "get", "{}");
        String html = Timeline.render("kv-n3-seed1 <test>", history.operations(), List.of(
                new Timeline.Window("kill n1", 1_000_000_000L, 2_000_000_000L),
                new Timeline.Window("partition {n0} | rest", 3_000_000_000L, 4_000_000_000L)), 10_000_000_000L);
        assertTrue(html.contains("<title>kv-n3-seed1 &lt;test&gt;</title>"));
        assertTrue(html.contains("<title>kill n1</title>") && html.contains(">partition {n0} | rest</text>"));
        Matcher marks = Pattern.compile("<circle ").matcher(html);
        int count = 0;
        while (marks.find()) {
            count++;
        }
        assertEquals(3, count, "the failed, the unknown and the pending operation");
        assertTrue(html.contains("<svg") && !html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""),
                "self-contained: nothing fetched");
        assertTrue(!html.contains("<script") && !html.contains("src="), "no scripts or assets");
    }
}
