package io.chronon.quarkus;

import java.util.Map;
import java.util.function.Supplier;

import io.quarkus.runtime.annotations.Recorder;

/** Carries what the build found into the running application. */
@Recorder
public class ChrononRecorder {

    public Supplier<ApplicationCandidates> candidates(Map<String, String> classesByName) {
        ApplicationCandidates candidates = new ApplicationCandidates(classesByName);
        return () -> candidates;
    }
}
