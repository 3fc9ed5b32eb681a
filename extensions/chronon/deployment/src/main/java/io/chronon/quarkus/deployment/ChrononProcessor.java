package io.chronon.quarkus.deployment;

import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import io.chronon.kernel.ChrApplication;
import io.chronon.quarkus.ApplicationCandidates;
import io.chronon.quarkus.ChrononNode;
import io.chronon.quarkus.ChrononRecorder;
import io.chronon.quarkus.CommittedEntries;
import io.chronon.quarkus.FaultInjection;
import io.chronon.quarkus.NodeLiveness;
import io.chronon.quarkus.NodeReadiness;
import io.chronon.quarkus.api.ClientGrpcService;
import io.chronon.quarkus.api.CommandGateway;
import io.chronon.quarkus.api.CommandResource;
import io.chronon.quarkus.api.DashboardResource;
import io.chronon.quarkus.api.DevClusterResource;
import io.chronon.quarkus.api.FaultResource;
import io.chronon.quarkus.api.HistoryResource;
import io.chronon.quarkus.api.OutboxResource;
import io.chronon.quarkus.api.PrimaryForwarder;
import io.chronon.quarkus.api.QueryResource;
import io.chronon.quarkus.api.StatusResource;
import io.chronon.quarkus.api.WatchResource;
import io.chronon.quarkus.peer.PeerGate;
import io.chronon.quarkus.peer.PeerService;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.AdditionalIndexedClassesBuildItem;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;

/** Build steps of the Chronon extension, one build item each. */
class ChrononProcessor {
    private static final String FEATURE = "chronon";
    private static final DotName CHR_APPLICATION = DotName.createSimple(ChrApplication.class.getName());
    private static final DotName NAMED = DotName.createSimple("jakarta.inject.Named");
    private static final String[] ENDPOINTS = {CommandResource.class.getName(), QueryResource.class.getName(),
        OutboxResource.class.getName(), HistoryResource.class.getName(), DashboardResource.class.getName(),
        DevClusterResource.class.getName(), FaultResource.class.getName(),
        StatusResource.class.getName(), WatchResource.class.getName(), PeerService.class.getName(),
        ClientGrpcService.class.getName()};

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /**
     * Finds the classes implementing {@code ChrApplication}, with or without a scope annotation.
     * None fails the build, saying what to write.
     */
    @BuildStep
    ApplicationCandidatesBuildItem findApplications(CombinedIndexBuildItem index) {
        Map<String, String> classesByName = new TreeMap<>();
        for (ClassInfo candidate : index.getIndex().getAllKnownImplementations(CHR_APPLICATION)) {
            if (Modifier.isAbstract(candidate.flags()) || Modifier.isInterface(candidate.flags())) {
                continue;
            }
            String name = beanName(candidate);
            String previous = classesByName.put(name, candidate.name().toString());
            if (previous != null) {
                throw new IllegalStateException("two ChrApplication classes are both named '" + name + "': "
                        + previous + " and " + candidate.name() + "; give one of them another @Named value");
            }
        }
        if (classesByName.isEmpty()) {
            throw new IllegalStateException("Chronon found no ChrApplication in this application: write a class that"
                    + " implements io.chronon.kernel.ChrApplication<State, Command, Query, Result> (it becomes a"
                    + " CDI bean; see docs/application-guide.md). Classes in a dependency jar are found when the jar"
                    + " is indexed (quarkus.index-dependency.<name>.group-id and .artifact-id).");
        }
        return new ApplicationCandidatesBuildItem(classesByName);
    }

    private static String beanName(ClassInfo candidate) {
        AnnotationInstance named = candidate.declaredAnnotation(NAMED);
        if (named != null) {
            AnnotationValue value = named.value();
            if (value != null && !value.asString().isBlank()) {
                return value.asString();
            }
        }
        return ApplicationCandidates.defaultName(candidate.simpleName());
    }

    /** Every candidate becomes a bean (a singleton unless it says otherwise), kept even if nothing injects it. */
    @BuildStep
    AdditionalBeanBuildItem applicationBeans(ApplicationCandidatesBuildItem candidates) {
        return AdditionalBeanBuildItem.builder().addBeanClasses(candidates.classesByName().values())
                .setDefaultScope(DotName.createSimple(Singleton.class.getName())).setUnremovable().build();
    }

    @BuildStep
    AdditionalBeanBuildItem nodeBeans() {
        return AdditionalBeanBuildItem.builder().addBeanClasses(ChrononNode.class, NodeLiveness.class,
                NodeReadiness.class, PeerGate.class, PrimaryForwarder.class, CommandGateway.class, CommittedEntries.class,
                FaultInjection.class)
                .setUnremovable().build();
    }

    /** The REST endpoints and the gRPC services are beans too, so that they receive the node. */
    @BuildStep
    AdditionalBeanBuildItem endpointBeans() {
        return AdditionalBeanBuildItem.builder().addBeanClasses(ENDPOINTS)
                .setDefaultScope(DotName.createSimple(Singleton.class.getName())).setUnremovable().build();
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem candidatesBean(ChrononRecorder recorder, ApplicationCandidatesBuildItem candidates) {
        return SyntheticBeanBuildItem.configure(ApplicationCandidates.class).scope(Singleton.class).unremovable()
                .supplier(recorder.candidates(new TreeMap<>(candidates.classesByName()))).done();
    }

    /** The REST endpoints and the gRPC services, found by Quarkus REST and gRPC once they are in the index. */
    @BuildStep
    AdditionalIndexedClassesBuildItem restEndpoints() {
        return new AdditionalIndexedClassesBuildItem(ENDPOINTS);
    }
}
