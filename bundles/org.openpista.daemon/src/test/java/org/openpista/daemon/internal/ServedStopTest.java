package org.openpista.daemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.ServedCommand;

/** {@code openpista stop} served by the daemon: the forms it serves, what it says, and what it leaves to {@link StopCommand}. */
class ServedStopTest {

    @TempDir
    Path home;

    final List<String> stopRequests = new ArrayList<>();
    final long pid = ProcessHandle.current().pid();

    ServedStop served() throws Exception {
        Files.writeString(PidFile.of(home), pid + "\n");
        return new ServedStop((DaemonControl) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DaemonControl.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "pid" -> pid;
                    case "home" -> home;
                    case "requestStop" -> stopRequests.add(args[0].toString()) ? null : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }

    @Test
    void saysWhatTheStopCommandSaysAndStopsOnlyOnceTheLauncherWaits() throws Exception {
        ServedCommand.Served served = served().serve(List.of("--timeout", "7"));
        assertThat(served).isInstanceOf(ServedCommand.AwaitExit.class);
        ServedCommand.AwaitExit await = (ServedCommand.AwaitExit) served;
        assertThat(await.err()).isEqualTo("openpista: stopping the daemon (PID " + pid + ")...\n");
        assertThat(await.pid()).isEqualTo(pid);
        assertThat(await.seconds()).isEqualTo(7);
        assertThat(await.exited()).isEqualTo("openpista stopped (PID " + pid + ")\n");
        assertThat(await.late()).isEqualTo("openpista: the daemon (PID " + pid + ") did not stop within 7 s; it may still be "
                + "finishing turns ('kill -9 " + pid + "' ends it at once)\n");
        assertThat(stopRequests).isEmpty();
        await.then().run();
        assertThat(stopRequests).containsExactly("openpista stop");
    }

    @Test
    void waitsAsLongAsTheStopCommandWould() throws Exception {
        assertThat(served().serve(List.of())).extracting("seconds").isEqualTo(Integer.parseInt(StopTexts.DEFAULT_SECONDS));
        assertThat(served().serve(List.of("--timeout=030"))).extracting("seconds").isEqualTo(30);
    }

    @Test
    void leavesOtherFormsAndAnotherDaemonsPidFileToTheStopCommand() throws Exception {
        ServedStop stop = served();
        for (List<String> args : List.of(List.of("--help"), List.of("--timeout", "-1"), List.of("-t", "5"), List.of("--timeout"),
                List.of("--timeout", "5", "x"), List.of("--timeout=1234567890"))) {
            assertThat(stop.serve(args)).as(args.toString()).isInstanceOf(ServedCommand.Declined.class);
        }
        Files.writeString(PidFile.of(home), "1\n");
        assertThat(stop.serve(List.of())).isEqualTo(new ServedCommand.Declined("the PID file names another process"));
        Files.delete(PidFile.of(home));
        assertThat(stop.serve(List.of())).isEqualTo(new ServedCommand.Declined("no PID file"));
        assertThat(stopRequests).isEmpty();
    }
}
