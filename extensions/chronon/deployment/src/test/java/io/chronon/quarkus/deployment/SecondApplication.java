package io.chronon.quarkus.deployment;

import jakarta.inject.Named;

/** A second application in the same build, named explicitly. */
@Named("second")
public class SecondApplication extends CounterApplication {
}
