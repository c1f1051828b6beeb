package org.openpista.sandbox.wasm.internal;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;

/**
 * Runs one module in the wasm sandbox inside a child JVM started with the launcher's flags
 * ({@code -Xss512k -XX:TieredStopAtLevel=1}) and a small heap, so a guest that takes the host down
 * shows up as a dead child (exit 134, a JVM crash, an OutOfMemoryError) instead of a dead test run.
 */
final class GuestInChildJvm {

    /** What the child printed and how it ended. */
    record Ended(int exitCode, String output) {
        String value(String key) {
            for (String line : output.split("\n")) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    private GuestInChildJvm() {}

    /** The child: {@code <engine> <module> <timeout secs> <output limit>}. */
    public static void main(String[] args) throws Exception {
        WasmSandbox sandbox = new WasmSandbox(config(args[0]));
        SandboxResult result = sandbox.run(new SandboxRequest(List.of(args[1]), "{}", null, Map.of(), Map.of(), "",
                new SandboxLimits(Duration.ofSeconds(Long.parseLong(args[2])), 256L << 20, 1, false,
                        Integer.parseInt(args[3]))));
        System.out.println("engine=" + sandbox.engine().name());
        System.out.println("exit=" + result.exitCode());
        System.out.println("timedOut=" + result.timedOut());
        System.out.println("reason=" + result.killedReason().replace('\n', ' '));
        System.out.println("stdout=" + result.stdout().length());
        System.out.println("stderr=" + result.stderr().length());
        System.out.println("stderrEnd=" + tail(result.stderr()).replace('\n', ' '));
        System.out.println("heapUsedMb=" + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory() >> 20));
    }

    /** Starts the child with the launcher's JVM flags and waits for it (at most 3 minutes). */
    static Ended run(String engine, Path module, int timeoutSecs, int outputLimit, Path dir)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx96m", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-cp", classpath, GuestInChildJvm.class.getName(), engine, module.toString(),
                Integer.toString(timeoutSecs), Integer.toString(outputLimit)));
        Path log = dir.resolve("child-" + engine + ".log");
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(3, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            return new Ended(-1, "the child JVM did not end within 3 minutes\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Ended(child.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String text) {
        return text.length() <= 60 ? text : text.substring(text.length() - 60);
    }

    private static WasmSandbox.Config config(String engine) {
        return new WasmSandbox.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WasmSandbox.Config.class;
            }

            @Override
            public String wasm_engine() {
                return engine;
            }

            @Override
            public int wasm_memory_mb() {
                return 64;
            }
        };
    }
}
