package org.openpista.api.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link CliCommand} that reads the plain forms of its arguments itself, so that running it in
 * those forms loads no picocli class and keeps no command model: the daemon's {@code start
 * --foreground} and {@code start --detached}, which stay for the daemon's whole life. The launcher
 * offers the arguments to it first; picocli parses them as ever when it declines, and stays the
 * reference: whatever it accepts here it must read exactly as picocli does (help, usage errors and
 * every other form are picocli's). A launcher that predates this interface always uses picocli.
 */
@ConsumerType
public interface PlainArguments {

    /**
     * @param args the arguments after the command word (the global options before it are the launcher's)
     * @return what to call for exactly these arguments, read as picocli would read them; {@code null}
     *     leaves them to picocli
     */
    Callable<Integer> plain(List<String> args);
}
