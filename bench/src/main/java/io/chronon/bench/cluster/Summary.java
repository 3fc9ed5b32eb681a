package io.chronon.bench.cluster;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The repeated runs of one system under one workload: median and range of any measure. */
record Summary(String system, Workload workload, List<RunResult> runs) {

    double median(ToDoubleFunction<RunResult> measure) {
        double[] values = values(measure);
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    double min(ToDoubleFunction<RunResult> measure) {
        double[] values = values(measure);
        return values.length == 0 ? Double.NaN : values[0];
    }

    double max(ToDoubleFunction<RunResult> measure) {
        double[] values = values(measure);
        return values.length == 0 ? Double.NaN : values[values.length - 1];
    }

    long sum(ToDoubleFunction<RunResult> measure) {
        return (long) runs.stream().mapToDouble(measure).sum();
    }

    /** The finite values, sorted. */
    private double[] values(ToDoubleFunction<RunResult> measure) {
        return runs.stream().mapToDouble(measure).filter(Double::isFinite).sorted().toArray();
    }

    boolean honest() {
        return runs.stream().allMatch(run -> run.honesty().holds());
    }
}
