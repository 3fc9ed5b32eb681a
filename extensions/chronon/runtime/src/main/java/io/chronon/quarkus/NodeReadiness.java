package io.chronon.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: a member of a normal view whose state caught up with its commit number,
 * and not stopped.
 */
@Readiness
@ApplicationScoped
public class NodeReadiness implements HealthCheck {
    private static final String NAME = "chronon";

    @Inject
    ChrononNode node;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        Throwable crash = node.crash();
        if (crash != null) {
            return response.down().withData("stopped", String.valueOf(crash.getMessage())).build();
        }
        NodeStatus status;
        try {
            status = node.status();
        } catch (IllegalStateException notRunning) {
            return response.down().withData("stopped", notRunning.getMessage()).build();
        }
        boolean normal = status.role() == NodeStatus.Role.PRIMARY || status.role() == NodeStatus.Role.BACKUP;
        boolean caughtUp = status.appliedIndex() >= status.commitIndex();
        return response.status(normal && caughtUp).withData("role", status.role().name())
                .withData("view", status.view()).withData("commitIndex", status.commitIndex())
                .withData("appliedIndex", status.appliedIndex()).build();
    }
}
