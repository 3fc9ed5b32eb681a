package io.chronon.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.chronon.node.DivergenceException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: the node runs, or it stopped for a reason a restart repairs (a failed
 * fsync, a broken invariant): a dead node is restarted and recovers from its disk. A divergence (the
 * application is not deterministic) does not make it dead, because restarting would replay into the
 * same divergence again and again; it makes it unready.
 */
@Liveness
@ApplicationScoped
public class NodeLiveness implements HealthCheck {
    private static final String NAME = "chronon";

    @Inject
    ChrononNode node;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        Throwable crash = node.crash();
        if (crash == null || crash instanceof DivergenceException) {
            return response.up().build();
        }
        return response.down().withData("stopped", String.valueOf(crash.getMessage())).build();
    }
}
