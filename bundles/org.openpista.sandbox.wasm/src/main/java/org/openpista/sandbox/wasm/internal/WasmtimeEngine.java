package org.openpista.sandbox.wasm.internal;

import io.github.kawamuray.wasmtime.Config;
import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.Linker;
import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.Module;
import io.github.kawamuray.wasmtime.NativeLibraryLoader;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.Val;
import io.github.kawamuray.wasmtime.WasmFunctionError;
import io.github.kawamuray.wasmtime.wasi.DirCaps;
import io.github.kawamuray.wasmtime.wasi.FileCaps;
import io.github.kawamuray.wasmtime.wasi.WasiCtx;
import io.github.kawamuray.wasmtime.wasi.WasiCtxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The native engine: wasmtime through wasmtime-java's JNI library. Inside Felix the library comes
 * from the bundle's {@code Bundle-NativeCode} (wasmtime-java first tries {@code
 * System.loadLibrary("wasmtime_jni")}, which the bundle class loader answers); outside OSGi it is
 * extracted from the jar. Loading is attempted once, in the constructor; the sandbox falls back
 * to Chicory when it fails (other platforms, or the library already bound to an earlier class
 * loader of this bundle).
 *
 * <p>Stack: wasmtime stops a guest at {@link #MAX_WASM_STACK} bytes of its own frames (a trap),
 * and {@link Runner} gives the guest thread a native stack well beyond that.
 *
 * <p>Output: stdout and stderr go through {@link StreamCapture}, capped while they are written.
 *
 * <p>Time: epoch interruption; every run has an engine of its own, whose epoch is incremented at
 * the deadline, so the module traps at its next loop or call. The workspace is preopened with
 * read-only capabilities, which wasmtime's WASI enforces.
 */
final class WasmtimeEngine implements WasmEngine {

    private static final EnumSet<DirCaps> DIR_READ = EnumSet.of(DirCaps.OPEN, DirCaps.READDIR, DirCaps.READLINK,
            DirCaps.PATH_FILESTAT_GET, DirCaps.FILESTAT_GET);
    private static final EnumSet<FileCaps> FILE_READ = EnumSet.of(FileCaps.READ, FileCaps.SEEK, FileCaps.TELL,
            FileCaps.FILESTAT_GET, FileCaps.POLL_READWRITE, FileCaps.ADVISE);

    /** The most stack a guest's own frames may use before wasmtime traps it. */
    static final long MAX_WASM_STACK = 1024L * 1024;

    /** @throws LinkageError or RuntimeException when the native library cannot be loaded here */
    WasmtimeEngine() {
        NativeLibraryLoader.init();
        // a first native call, so a library that did not load (or was skipped) fails here, not mid-run
        new Config().dispose();
    }

    @Override
    public String name() {
        return "wasmtime";
    }

    @Override
    public Outcome run(byte[] module, Invocation invocation) throws InterruptedException {
        Path io;
        try {
            io = Files.createTempDirectory("openpista-wasm-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder: " + e.getMessage(), e);
        }
        try (Config config = new Config().epochInterruption(true).maxWasmStack(MAX_WASM_STACK);
                Engine engine = new Engine(config);
                StreamCapture stdout = StreamCapture.open(io, "stdout", invocation.outputLimit());
                StreamCapture stderr = StreamCapture.open(io, "stderr", invocation.outputLimit())) {
            Module compiled;
            try {
                compiled = new Module(engine, module);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a valid module: " + oneLine(e.getMessage()), e);
            }
            try (compiled) {
                boolean command = !ExportNames.of(module).contains(Abi.RUN);
                // no stdin: wasmtime-java 0.19.0 opens a stdin file with File::create (write-only,
                // truncated), so WASI commands, which read their input there, run on Chicory instead
                WasiCtxBuilder builder = new WasiCtxBuilder().stdout(stdout.path()).stderr(stderr.path())
                        .args(invocation.arguments());
                invocation.environment().forEach(builder::env);
                AtomicBoolean stopped = new AtomicBoolean();
                Runner.Ended<String> ended;
                WasiCtx wasi = builder.build();
                if (invocation.workspace() != null) {
                    wasi.insertDir(3, invocation.workspace(), DIR_READ, FILE_READ, Path.of(GUEST_WORKSPACE));
                }
                // disposing the store closes the guest's ends of stdout and stderr, so their readers finish
                try (Store<Void> store = new Store<>(null, engine, wasi);
                        Linker linker = new Linker(engine)) {
                    store.setEpochDeadline(1);
                    WasiCtx.addToLinker(linker);
                    ended = Runner.run("wasm-wasmtime", () -> call(store, linker, compiled, invocation, command),
                            invocation.timeout(), () -> {
                                stopped.set(true);
                                engine.incrementEpoch();
                            });
                }
                String out = stdout.text();
                String err = stderr.text();
                int exit = 0;
                String trap = "";
                if (ended.failure() instanceof WasmFunctionError.I32ExitError exitError) {
                    exit = exitError.exitCode();
                } else if (ended.failure() != null) {
                    exit = -1;
                    trap = oneLine(ended.failure().getMessage());
                    if (trap.isEmpty()) {
                        trap = ended.failure().getClass().getSimpleName();
                    }
                }
                boolean timedOut = ended.timedOut() || (stopped.get() && ended.failure() != null);
                if (timedOut) {
                    exit = -1;
                }
                String output = command ? out : ended.value() == null ? "" : ended.value();
                return new Outcome(output, out, err, exit, trap, timedOut, ended.nanos());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the module's standard streams: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(io);
            } catch (IOException e) {
                // a leftover temporary folder is harmless
            }
        }
    }

    private static String call(Store<Void> store, Linker linker, Module module, Invocation invocation, boolean command) {
        linker.module(store, "", module);
        Optional<Extern> initialize = linker.get(store, "", Abi.INITIALIZE);
        if (initialize.isPresent()) {
            initialize.get().func().call(store);
        }
        if (command) {
            linker.get(store, "", Abi.START).orElseThrow(() -> new IllegalArgumentException(
                    "the module exports neither run (the openpista ABI) nor _start (a WASI command)")).func().call(store);
            // the output is stdout, read once the store is closed
            return null;
        }
        Memory memory = linker.get(store, "", Abi.MEMORY).orElseThrow(
                () -> new IllegalArgumentException("the module exports no memory")).memory();
        Func alloc = linker.get(store, "", Abi.ALLOC).orElseThrow(
                () -> new IllegalArgumentException("the module exports run but no alloc")).func();
        Func run = linker.get(store, "", Abi.RUN).get().func();
        byte[] input = invocation.input();
        int pointer = alloc.call(store, Val.fromI32(input.length))[0].i32();
        ByteBuffer buffer = memory.buffer(store);
        buffer.position(pointer);
        buffer.put(input);
        long packed = run.call(store, Val.fromI32(pointer), Val.fromI32(input.length))[0].i64();
        ByteBuffer after = memory.buffer(store);
        int length = Math.min(Abi.length(packed), Math.max(0, invocation.outputLimit()) * 4 + 4);
        byte[] output = new byte[length];
        after.position(Abi.pointer(packed));
        after.get(output);
        return BoundedOutput.cut(new String(output, StandardCharsets.UTF_8), invocation.outputLimit());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
