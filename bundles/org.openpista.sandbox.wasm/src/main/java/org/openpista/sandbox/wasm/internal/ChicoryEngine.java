package org.openpista.sandbox.wasm.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pure-Java engine (Chicory's interpreter), for platforms without wasmtime's native library.
 * The interpreter does not look at the thread's interrupt flag inside a loop without calls, so
 * an execution listener checks a stop flag before every instruction and throws once the deadline
 * passed (a volatile read per instruction, paid only by this fallback engine). Chicory's WASI does not enforce rights, so the functions that could change the
 * workspace are wrapped: opening for writing, creating, truncating, renaming, linking, deleting
 * and changing sizes or times answer {@code EROFS} before Chicory sees them.
 */
final class ChicoryEngine implements WasmEngine {

    /** WASI functions that only ever change the file system. */
    private static final Set<String> WRITES = Set.of("path_create_directory", "path_remove_directory", "path_rename",
            "path_symlink", "path_link", "path_unlink_file", "path_filestat_set_times", "fd_filestat_set_size",
            "fd_filestat_set_times", "fd_allocate");

    /** WASI errno: the capability is not held. */
    private static final int ERRNO_NOTCAPABLE = 76;
    private static final int O_CREAT = 1;
    private static final int O_EXCL = 4;
    private static final int O_TRUNC = 8;
    private static final int FDFLAG_APPEND = 1;
    /** fd_write, fd_allocate, fd_filestat_set_size: what opening for writing asks for (times are asked by every open). */
    private static final long WRITE_RIGHTS = (1L << 6) | (1L << 8) | (1L << 22);

    @Override
    public String name() {
        return "chicory";
    }

    @Override
    public Outcome run(byte[] module, Invocation invocation) throws InterruptedException {
        WasmModule parsed;
        try {
            parsed = Parser.parse(module);
        } catch (ChicoryException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid module: " + e.getMessage(), e);
        }
        BoundedOutput stdout = new BoundedOutput(invocation.outputLimit());
        BoundedOutput stderr = new BoundedOutput(invocation.outputLimit());
        boolean command = !hasExport(parsed, Abi.RUN);
        WasiOptions.Builder options = WasiOptions.builder()
                .withStdout(stdout)
                .withStderr(stderr)
                .withStdin(new ByteArrayInputStream(command ? invocation.input() : new byte[0]))
                .withArguments(invocation.arguments());
        invocation.environment().forEach(options::withEnvironment);
        if (invocation.workspace() != null) {
            options.withDirectory(GUEST_WORKSPACE, invocation.workspace());
        }
        Runner.Ended<String> ended;
        AtomicBoolean stop = new AtomicBoolean();
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build()) {
            ImportValues imports = ImportValues.builder()
                    .addFunction(readOnly(wasi.toHostFunctions(), invocation.workspace())).build();
            ended = Runner.run("wasm-chicory", () -> call(parsed, imports, invocation, command, stdout, stop),
                    invocation.timeout(), () -> stop.set(true));
        }
        String trap = "";
        int exit = 0;
        if (ended.failure() instanceof WasiExitException exitException) {
            exit = exitException.exitCode();
        } else if (ended.failure() != null) {
            exit = -1;
            trap = describe(ended.failure());
        } else if (ended.timedOut()) {
            exit = -1;
        }
        String output = ended.value() == null ? (command ? stdout.text() : "") : ended.value();
        return new Outcome(output, stdout.text(), stderr.text(), exit, trap, ended.timedOut(), ended.nanos());
    }

    private static String call(WasmModule parsed, ImportValues imports, Invocation invocation, boolean command,
            BoundedOutput stdout, AtomicBoolean stop) {
        Instance instance = Instance.builder(parsed).withImportValues(imports).withStart(false)
                .withUnsafeExecutionListener((instruction, stack) -> {
                    if (stop.get()) {
                        throw new ChicoryInterruptedException("the time limit was reached");
                    }
                })
                .build();
        if (hasExport(parsed, Abi.INITIALIZE)) {
            instance.export(Abi.INITIALIZE).apply();
        }
        if (command) {
            ExportFunction start = instance.export(Abi.START);
            start.apply();
            return stdout.text();
        }
        Memory memory = instance.memory();
        byte[] input = invocation.input();
        int pointer = (int) instance.export(Abi.ALLOC).apply(input.length)[0];
        memory.write(pointer, input);
        long packed = instance.export(Abi.RUN).apply(pointer, input.length)[0];
        int length = Math.min(Abi.length(packed), Math.max(0, invocation.outputLimit()) * 4 + 4);
        String output = new String(memory.readBytes(Abi.pointer(packed), length), StandardCharsets.UTF_8);
        return BoundedOutput.cut(output, invocation.outputLimit());
    }

    private static boolean hasExport(WasmModule parsed, String name) {
        for (int i = 0; i < parsed.exportSection().exportCount(); i++) {
            if (parsed.exportSection().getExport(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Wraps the WASI functions that could write (they answer EROFS) and confines path lookups to
     * the workspace: Chicory follows symbolic links out of a preopened folder, so every path given
     * to {@code path_open} and {@code path_filestat_get} is resolved here, links included, and
     * refused ({@code ENOTCAPABLE}) unless it stays inside. Folders opened inside are tracked by
     * their descriptor, so paths relative to them are checked the same way.
     */
    static HostFunction[] readOnly(HostFunction[] functions, Path workspace) {
        Map<Long, Path> dirs = new ConcurrentHashMap<>();
        Path root = null;
        if (workspace != null) {
            root = workspace.toAbsolutePath().normalize();
            dirs.put(3L, root);
        }
        Path confined = root;
        List<HostFunction> wrapped = new ArrayList<>();
        for (HostFunction function : functions) {
            String name = function.name();
            if (WRITES.contains(name)) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(),
                        (instance, args) -> new long[] {Abi.ERRNO_ROFS}));
            } else if (name.equals("path_open")) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(), (instance, args) -> {
                    long oflags = args[4];
                    long rights = args[5];
                    long fdflags = args[7];
                    if ((oflags & (O_CREAT | O_EXCL | O_TRUNC)) != 0 || (rights & WRITE_RIGHTS) != 0
                            || (fdflags & FDFLAG_APPEND) != 0) {
                        return new long[] {Abi.ERRNO_ROFS};
                    }
                    Path target = inside(confined, dirs, instance, args[0], args[2], args[3]);
                    if (target == null) {
                        return new long[] {ERRNO_NOTCAPABLE};
                    }
                    long[] result = function.handle().apply(instance, args);
                    if (result[0] == 0 && Files.isDirectory(target)) {
                        dirs.put((long) instance.memory().readInt((int) args[8]), target);
                    }
                    return result;
                }));
            } else if (name.equals("path_filestat_get")) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(), (instance, args) ->
                        inside(confined, dirs, instance, args[0], args[2], args[3]) == null
                                ? new long[] {ERRNO_NOTCAPABLE}
                                : function.handle().apply(instance, args)));
            } else if (name.equals("fd_close")) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(), (instance, args) -> {
                    if (args[0] > 3) {
                        dirs.remove(args[0]);
                    }
                    return function.handle().apply(instance, args);
                }));
            } else if (name.equals("fd_renumber")) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(),
                        (instance, args) -> new long[] {ERRNO_NOTCAPABLE}));
            } else if (name.equals("fd_write") || name.equals("fd_pwrite")) {
                wrapped.add(new HostFunction(function.module(), name, function.functionType(),
                        (instance, args) -> args[0] > 2 ? new long[] {Abi.ERRNO_ROFS} : function.handle().apply(instance, args)));
            } else {
                wrapped.add(function);
            }
        }
        return wrapped.toArray(HostFunction[]::new);
    }

    /** @return the host path a lookup names, or {@code null} when it (or a link on its way) leaves the workspace */
    private static Path inside(Path root, Map<Long, Path> dirs, Instance instance, long fd, long pointer, long length) {
        Path base = dirs.get(fd);
        if (root == null || base == null) {
            return null;
        }
        String relative = new String(instance.memory().readBytes((int) pointer, (int) length), StandardCharsets.UTF_8);
        if (relative.indexOf('\0') >= 0) {
            return null;
        }
        try {
            Path target = base.resolve(relative).normalize();
            if (!target.startsWith(root)) {
                return null;
            }
            Path realRoot = root.toRealPath();
            Path existing = target;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
                return null;
            }
            return target;
        } catch (IOException | InvalidPathException e) {
            return null;
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String kind = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : message.replaceAll("\\s+", " ").strip();
    }
}
