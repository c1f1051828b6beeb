package org.openpista.runtime;

/** The runtime itself is broken (a bundle cannot start, a service never appears). */
final class RuntimeProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RuntimeProblem(String message) {
        super(message);
    }
}
