package org.openpista.runtime;

/** The runtime itself is broken (a bundle cannot start, a service never appears). */
class RuntimeProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RuntimeProblem(String message) {
        super(message);
    }

    /**
     * A component failed to start for a reason in the configuration or the files it names (a
     * database that is no database, say): a usage problem, exit status 2.
     */
    static final class ComponentFailed extends RuntimeProblem {
        private static final long serialVersionUID = 1L;

        ComponentFailed(String message) {
            super(message);
        }
    }
}
