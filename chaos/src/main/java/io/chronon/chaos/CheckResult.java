package io.chronon.chaos;

/** What one checker concluded about a run: passed, or the first anomaly it found, in words. */
public record CheckResult(String name, boolean passed, String detail) {
    static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    static CheckResult anomaly(String name, String detail) {
        return new CheckResult(name, false, detail);
    }
}
