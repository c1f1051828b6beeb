package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;

/**
 * {@code openpista completion bash|zsh|fish}: the scripts are loaded by the real shells and asked
 * what they complete, for the launcher's commands and the bundles' (a plugin's command is checked in
 * {@link ThirdPartyPluginIT}).
 */
class CompletionIT {

    @TempDir
    Path home;

    @TempDir
    Path work;

    @Test
    void bashCompletesCommandsVerbsOptionsAndValues() throws Exception {
        Path script = script("bash");
        String completions = shell(List.of("bash", "-c", """
                source "$1"
                c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                      COMPREPLY=(); _complete_openpista 2>/dev/null; echo "${COMPREPLY[*]}"; }
                c openpista we
                c openpista web s
                c openpista --home /tmp tel
                c openpista web setup --p
                c openpista completion ''
                """, "bash", script.toString()));
        assertThat(completions.lines()).containsExactly("web", "setup start status", "telegram", "--port", "bash zsh fish");
    }

    @Test
    void zshLoadsTheBashScriptThroughBashcompinit() throws Exception {
        Path script = script("zsh");
        // zsh runs the script through its bash emulation: the completion is registered for openpista
        String registered = shell(List.of("zsh", "-c", "autoload -U +X compinit && compinit -u -d \"$2/.zcompdump\"; "
                + "source \"$1\"; print -r -- ${_comps[openpista]}; whence -w _complete_openpista",
                "zsh", script.toString(), work.toString()));
        assertThat(registered).contains("_bash_complete -F _complete_openpista").contains("_complete_openpista: function");
    }

    @Test
    void fishCompletesCommandsVerbsOptionsAndValues() throws Exception {
        Path script = script("fish");
        String completions = shell(List.of("fish", "--no-config", "-c", """
                source $argv[1]
                for line in 'openpista we' 'openpista web s' 'openpista --home /tmp tel' 'openpista web setup --p' \\
                        'openpista telegram setup --p' 'openpista completion '
                    echo (complete -C $line | string replace -r '\\t.*' '' | string join ' ')
                end
                """, script.toString()));
        assertThat(completions.lines()).containsExactly(
                "web", "setup start status", "telegram", "--port", "", "bash fish zsh");
    }

    @Test
    void anUnknownShellIsAUsageError() throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "completion", "powershell");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("bash, zsh, fish");
        assertThat(result.stdout()).isEmpty();
    }

    private Path script(String shell) throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "completion", shell);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path script = work.resolve("openpista." + shell);
        Files.writeString(script, result.stdout());
        return script;
    }

    private static String shell(List<String> command) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", command.get(0)))
                        || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                command.get(0) + " is needed to load its completion script");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
