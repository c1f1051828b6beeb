package org.openpista.api.doctor;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One area that {@code openpista doctor} checks, contributed by the bundle that needs it: register
 * it as a service. The doctor runs every registered check in the command's process (configuration
 * loaded, no daemon), orders the areas by {@value #ORDER} then by name, and prints each result as
 * one line with its fix; it exits with status 1 when a result {@linkplain Status#FAIL failed}.
 *
 * <p>A check must finish within seconds (bound every network call by a timeout), must not change
 * anything, and must never put a secret into a result.
 */
@ConsumerType
public interface DoctorCheck {

    /** Service property: where the area goes in the report, lower first (default 100). */
    String ORDER = "doctor.order";

    /** @return the area's short name, such as {@code docker} or {@code provider} */
    String area();

    /**
     * Runs the checks of this area.
     *
     * @param options how the doctor was asked to run
     * @return one result per thing checked; empty when nothing applies (a feature switched off)
     */
    List<CheckResult> check(Options options);

    /**
     * How the doctor runs.
     *
     * @param offline {@code true} under {@code --offline}: no request may leave the machine (a
     *     check of the local Docker socket is fine, a request to a provider is not)
     */
    record Options(boolean offline) {}

    /** How a thing checked stands. */
    enum Status {
        /** Fine. */
        OK,
        /** Works, but should be looked at. */
        WARN,
        /** Broken: openpista or a feature of it will not work; the doctor exits with status 1. */
        FAIL,
        /** Not checked (offline, not configured); says why. */
        SKIPPED
    }

    /**
     * The result of checking one thing.
     *
     * @param status how it stands
     * @param title what was checked and what was found, one line
     * @param fix what to do about it; empty when nothing
     */
    record CheckResult(Status status, String title, String fix) {
        public CheckResult {
            java.util.Objects.requireNonNull(status, "status");
            title = title == null ? "" : title;
            fix = fix == null ? "" : fix;
        }

        /** @return a result that is fine */
        public static CheckResult ok(String title) {
            return new CheckResult(Status.OK, title, "");
        }

        /** @return a failed result with its fix */
        public static CheckResult fail(String title, String fix) {
            return new CheckResult(Status.FAIL, title, fix);
        }

        /** @return a warning with its fix */
        public static CheckResult warn(String title, String fix) {
            return new CheckResult(Status.WARN, title, fix);
        }

        /** @return a skipped check, with the reason in the title */
        public static CheckResult skipped(String title) {
            return new CheckResult(Status.SKIPPED, title, "");
        }
    }
}
