package org.openpista.sandbox.wasm.internal;

/** Helpers for the openpista wasm ABI shared by both engines. */
final class Abi {

    static final String ALLOC = "alloc";
    static final String RUN = "run";
    static final String START = "_start";
    static final String INITIALIZE = "_initialize";
    static final String MEMORY = "memory";

    /** WASI errno: read-only file system. */
    static final int ERRNO_ROFS = 69;

    private Abi() {}

    /** @return the output pointer of {@code run}'s packed result */
    static int pointer(long packed) {
        return (int) (packed >>> 32);
    }

    /** @return the output length of {@code run}'s packed result */
    static int length(long packed) {
        return (int) (packed & 0xFFFF_FFFFL);
    }
}
