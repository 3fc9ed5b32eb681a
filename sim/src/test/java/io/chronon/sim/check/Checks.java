package io.chronon.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;

/** Runs the checker and, whatever it answers, verifies the evidence and, for small histories, the answer itself. */
final class Checks {
    static final Duration GENEROUS = Duration.ofSeconds(30);
    /** The brute-force oracle is exponential; beyond this many operations it is not consulted. */
    private static final int ORACLE_LIMIT = 8;

    private Checks() {}

    static Verdict check(History history) {
        Verdict verdict = LinearizabilityChecker.check(history, GENEROUS);
        switch (verdict) {
            case Verdict.Linearizable linearizable -> Oracle.assertValidWitness(history, linearizable);
            case Verdict.NotLinearizable failure -> Oracle.assertCoherentFailure(history, failure);
            case Verdict.Timeout timeout -> throw new AssertionError(timeout.explanation());
        }
        if (history.operations().size() <= ORACLE_LIMIT) {
            assertEquals(Oracle.linearizable(history), verdict.isLinearizable(), verdict::explanation);
        }
        return verdict;
    }

    static Verdict.Linearizable assertLinearizable(History history) {
        Verdict verdict = check(history);
        return assertInstanceOf(Verdict.Linearizable.class, verdict, verdict::explanation);
    }

    static Verdict.NotLinearizable assertNotLinearizable(History history, String key) {
        Verdict verdict = check(history);
        Verdict.NotLinearizable failure = assertInstanceOf(Verdict.NotLinearizable.class, verdict, verdict::explanation);
        assertEquals(key, failure.key(), failure::explanation);
        return failure;
    }
}
