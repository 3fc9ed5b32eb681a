package io.chronon.kernel;

import java.util.List;
import java.util.Objects;

/** What {@link ChrApplication#apply} decided: accepted with a new state and a result, or rejected. */
public sealed interface Applied<S, R> {

    static <S, R> Applied<S, R> accept(S state, R result) {
        return new Accepted<>(state, result, List.of());
    }

    /** Accepted, with side effects to deliver once the command is committed, in this order. */
    static <S, R> Applied<S, R> accept(S state, R result, List<Effect> effects) {
        return new Accepted<>(state, result, effects);
    }

    static <S, R> Applied<S, R> reject(String code, String message) {
        return new Rejected<>(new Rejection(code, message));
    }

    record Accepted<S, R>(S state, R result, List<Effect> effects) implements Applied<S, R> {
        public Accepted {
            Objects.requireNonNull(state, "an accepted command yields a state");
            Objects.requireNonNull(result, "an accepted command yields a result");
            effects = List.copyOf(effects);
        }
    }

    record Rejected<S, R>(Rejection rejection) implements Applied<S, R> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }
    }
}
