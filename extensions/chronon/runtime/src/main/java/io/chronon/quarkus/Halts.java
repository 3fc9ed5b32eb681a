package io.chronon.quarkus;

import java.util.EnumSet;
import java.util.Set;

import io.chronon.node.HaltPoint;
import org.jboss.logging.Logger;

/**
 * The configured halt points ({@code chronon.test.halt-points}): reaching one stops the process at
 * once with {@link #EXIT_STATUS}, without shutdown hooks, as a kill would. Off by default.
 */
final class Halts implements HaltPoint.Hook {
    /** The exit status of a process stopped at a halt point, so a test can tell it from a crash. */
    static final int EXIT_STATUS = 86;
    private static final Logger LOG = Logger.getLogger(Halts.class);

    private final Set<HaltPoint> enabled;

    Halts(Set<HaltPoint> enabled) {
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(HaltPoint.class) : EnumSet.copyOf(enabled);
        if (!enabled.isEmpty()) {
            LOG.warnf("test halt points are enabled: %s. This process stops when it reaches one.", this.enabled);
        }
    }

    @Override
    public void reached(HaltPoint point) {
        if (enabled.contains(point)) {
            LOG.errorf("halt point %s reached: the process stops now (chronon.test.halt-points)", point);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
