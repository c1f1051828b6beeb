package org.openpista.sandbox.wasm.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One WebAssembly runtime behind the wasm sandbox: wasmtime (native, through wasmtime-java) or
 * Chicory (pure Java). Both run a module the same way, the openpista wasm ABI:
 *
 * <ol>
 *   <li>WASI preview 1 is linked with the given arguments and environment only, stdin empty,
 *       stdout and stderr captured, no sockets, and the workspace (if any) preopened read-only at
 *       {@value #GUEST_WORKSPACE};
 *   <li>a reactor's {@code _initialize} is called when exported;
 *   <li>when the module exports {@code alloc(i32) -> i32} and {@code run(i32, i32) -> i64}: the
 *       input JSON is written to memory at {@code alloc(len)}, {@code run(ptr, len)} returns
 *       {@code (out_ptr << 32) | out_len}, and the output JSON is read from memory there;
 *   <li>otherwise a command's {@code _start} runs with the input JSON on stdin, and its stdout is
 *       the output.
 * </ol>
 *
 * Memory is capped by rewriting the module's memory limits ({@link MemoryCap}); time by epoch
 * interruption (wasmtime) or thread interruption (Chicory).
 */
interface WasmEngine {

    /** Where the workspace appears inside the module. */
    String GUEST_WORKSPACE = "/workspace";

    /**
     * @param input the input JSON (UTF-8)
     * @param arguments argv, the module name first
     * @param environment the only environment variables the module sees
     * @param workspace preopened read-only, or {@code null}
     * @param timeout the wall-clock limit
     * @param outputLimit characters kept of the output, stdout and stderr each
     */
    record Invocation(byte[] input, List<String> arguments, Map<String, String> environment, Path workspace,
            Duration timeout, int outputLimit) {}

    /**
     * @param output the output JSON (ABI) or stdout (command)
     * @param stdout what the module wrote to stdout
     * @param stderr what the module wrote to stderr
     * @param exitCode 0, a WASI exit code, or -1 after a trap or timeout
     * @param trap the trap's message, empty when none
     * @param timedOut whether the time limit stopped it
     * @param runNanos how long the module ran (compiling and linking not counted)
     */
    record Outcome(String output, String stdout, String stderr, int exitCode, String trap, boolean timedOut, long runNanos) {}

    /** @return {@code wasmtime} or {@code chicory} */
    String name();

    /**
     * @param module the module, its memory already capped
     * @throws InterruptedException when the caller was cancelled
     * @throws IllegalArgumentException when the module cannot be loaded (invalid, missing imports)
     */
    Outcome run(byte[] module, Invocation invocation) throws InterruptedException;
}
