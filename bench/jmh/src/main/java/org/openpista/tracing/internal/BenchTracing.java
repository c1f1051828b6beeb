package org.openpista.tracing.internal;

import java.util.function.Consumer;
import org.openpista.api.observe.TurnObserver;

/** The tracing observer for the benchmarks (its class is package-private in the bundle). */
public final class BenchTracing {
    private BenchTracing() {}

    /** @param export takes each turn's OTLP/JSON body (the sender's thread does the network) */
    public static TurnObserver observer(Consumer<byte[]> export) {
        return new TurnTracer(export, false, "openpista");
    }
}
