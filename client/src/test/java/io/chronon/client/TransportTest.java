package io.chronon.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void retryAfterIsReadAsSeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), Transport.retryAfter(" 7 "));
    }

    @Test
    void retryAfterIsReadAsAnHttpDate() {
        String inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME);

        Duration wait = Transport.retryAfter(inAMinute).orElseThrow();

        assertTrue(wait.compareTo(Duration.ofSeconds(55)) > 0 && wait.compareTo(Duration.ofSeconds(61)) <= 0,
                inAMinute + " read as " + wait);
    }

    @Test
    void anUnreadableRetryAfterIsIgnored() {
        assertEquals(Optional.empty(), Transport.retryAfter("soon"));
    }
}
