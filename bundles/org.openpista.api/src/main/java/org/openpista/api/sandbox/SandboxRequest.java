package org.openpista.api.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run in a sandbox.
 *
 * @param command the program and its arguments; for the {@code wasm} sandbox the first element is
 *     the module file
 * @param input text written to standard input (or, for wasm, the JSON input), may be empty
 * @param workspace the workspace, mounted or preopened read-only
 * @param environment environment variables the run sees; nothing else from the daemon's environment
 *     is passed on
 * @param files extra files placed in the sandbox's working directory before the run, by relative
 *     path
 * @param image the container image for the {@code docker} sandbox, or empty for the default
 * @param limits the hard limits
 */
public record SandboxRequest(
        List<String> command,
        String input,
        Path workspace,
        Map<String, String> environment,
        Map<String, byte[]> files,
        String image,
        SandboxLimits limits) {

    public SandboxRequest {
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        input = input == null ? "" : input;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        files = files == null ? Map.of() : Map.copyOf(files);
        image = image == null ? "" : image;
        limits = limits == null ? SandboxLimits.defaults() : limits;
    }
}
