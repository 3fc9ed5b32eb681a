package io.chronon.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class SessionTableTest {
    private static final Outcome OK = new Outcome.Completed(new byte[] {1});

    @Test
    void aSessionOpensWithRequestOneAndRemembersTheLatestOutcome() {
        UUID client = new UUID(1, 1);
        SessionTable table = SessionTable.empty(10);
        assertInstanceOf(SessionTable.Check.Fresh.class, table.check(client, 1));
        assertInstanceOf(SessionTable.Check.Expired.class, table.check(client, 2),
                "a session that never opened is treated as evicted");
        table = table.record(client, 1, 5, OK);
        assertEquals(new SessionTable.Check.Duplicate(OK), table.check(client, 1));
        assertInstanceOf(SessionTable.Check.Fresh.class, table.check(client, 2));
        table = table.record(client, 2, 6, new Outcome.Failed("x"));
        assertEquals(new SessionTable.Check.Stale(2), table.check(client, 1));
    }

    @Test
    void aFullTableEvictsTheIdlestSessionTheSameWayEverywhere() {
        SessionTable table = SessionTable.empty(3);
        for (int client = 0; client < 3; client++) {
            table = table.record(new UUID(0, client), 1, 10 + client, OK);
        }
        table = table.record(new UUID(0, 0), 2, 20, OK);
        table = table.record(new UUID(0, 9), 1, 21, OK);
        assertEquals(3, table.size());
        assertNull(table.get(new UUID(0, 1)), "client 1 was idle longest");
        assertInstanceOf(SessionTable.Check.Expired.class, table.check(new UUID(0, 1), 2));
        assertEquals(new SessionTable.Session(2, 20, OK), table.get(new UUID(0, 0)));
    }
}
