package io.chronon.quarkus.deployment;

import java.util.Map;

import io.quarkus.builder.item.SimpleBuildItem;

/** The {@code ChrApplication} classes of the application, by bean name. */
public final class ApplicationCandidatesBuildItem extends SimpleBuildItem {
    private final Map<String, String> classesByName;

    public ApplicationCandidatesBuildItem(Map<String, String> classesByName) {
        this.classesByName = Map.copyOf(classesByName);
    }

    public Map<String, String> classesByName() {
        return classesByName;
    }
}
