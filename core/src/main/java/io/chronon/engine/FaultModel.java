package io.chronon.engine;

/**
 * Probabilities of the storage faults a {@link FaultyDisk} injects, each drawn from its seeded
 * random source, so a run is reproduced exactly by its seed.
 *
 * @param lostOnCrash     an unbarriered write vanishes when the process crashes
 * @param tornOnCrash     an unbarriered write is cut at a random byte when the process crashes
 *                        (the rest of the unbarriered writes land whole)
 * @param lostWrite       a write is silently dropped although its barrier succeeds (disk firmware lies)
 * @param misdirectedWrite a write lands a few 4 KiB blocks away from where it was aimed
 * @param bitFlip         one random bit of a landed write flips (a latent sector error)
 * @param barrierFailure  the barrier fails with EIO; the disk then refuses everything until a crash
 * @param barrierStall    the barrier stalls for up to {@code stallNanosMax} first (a gray failure)
 */
public record FaultModel(
        double lostOnCrash,
        double tornOnCrash,
        double lostWrite,
        double misdirectedWrite,
        double bitFlip,
        double barrierFailure,
        double barrierStall,
        long stallNanosMax) {

    /** Only what every crash does: unbarriered writes may be lost, torn, or land. */
    public static final FaultModel CRASH_ONLY = new FaultModel(0.3, 0.3, 0, 0, 0, 0, 0, 0);

    public FaultModel {
        for (double p : new double[] {lostOnCrash, tornOnCrash, lostWrite, misdirectedWrite, bitFlip,
                barrierFailure, barrierStall}) {
            Invariants.check(p >= 0 && p <= 1, "a probability lies in [0, 1], not %s", p);
        }
        Invariants.check(lostOnCrash + tornOnCrash <= 1, "lostOnCrash + tornOnCrash must not exceed 1");
        Invariants.check(stallNanosMax >= 0, "stallNanosMax must not be negative");
    }

    public FaultModel withLostWrite(double p) {
        return new FaultModel(lostOnCrash, tornOnCrash, p, misdirectedWrite, bitFlip, barrierFailure,
                barrierStall, stallNanosMax);
    }

    public FaultModel withMisdirectedWrite(double p) {
        return new FaultModel(lostOnCrash, tornOnCrash, lostWrite, p, bitFlip, barrierFailure,
                barrierStall, stallNanosMax);
    }

    public FaultModel withBitFlip(double p) {
        return new FaultModel(lostOnCrash, tornOnCrash, lostWrite, misdirectedWrite, p, barrierFailure,
                barrierStall, stallNanosMax);
    }

    public FaultModel withBarrierFailure(double p) {
        return new FaultModel(lostOnCrash, tornOnCrash, lostWrite, misdirectedWrite, bitFlip, p,
                barrierStall, stallNanosMax);
    }

    public FaultModel withBarrierStall(double p, long nanosMax) {
        return new FaultModel(lostOnCrash, tornOnCrash, lostWrite, misdirectedWrite, bitFlip, barrierFailure,
                p, nanosMax);
    }
}
