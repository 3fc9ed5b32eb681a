package io.chronon.chaos;

/** A fault from {@code startMillis} after the workload starts, healed {@code lengthMillis} later. */
public record FaultWindow(long startMillis, long lengthMillis, Fault fault) {
    public FaultWindow {
        if (startMillis < 0 || lengthMillis <= 0) {
            throw new IllegalArgumentException("a window starts at or after 0 and lasts: " + startMillis + "+" + lengthMillis);
        }
    }

    public long endMillis() {
        return startMillis + lengthMillis;
    }
}
