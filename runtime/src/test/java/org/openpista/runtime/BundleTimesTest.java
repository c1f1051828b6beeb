package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** The per-bundle start report, against a real Felix starting two bundles. */
class BundleTimesTest {

    @TempDir
    Path dir;

    @Test
    void everyStartedBundleGetsAShareAndTheReportStartsAfresh() throws Exception {
        Framework felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve(".felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.init();
        BundleContext context = felix.getBundleContext();
        for (String name : new String[] {"first.bundle", "second.bundle"}) {
            context.installBundle("reference:" + BundleOverridesTest.bundle(dir.resolve(name + ".jar"), name, "1.0.0").toUri())
                    .start();
        }
        BundleTimes times = new BundleTimes();
        context.addBundleListener(times);
        try {
            felix.start();
            String report = report(times, "level 1");
            String again = report(times, "level 2");

            assertThat(report).startsWith("bundles level 1: ").contains("in 2 bundles").contains(" first.bundle\n")
                    .contains(" second.bundle\n");
            assertThat(again).startsWith("bundles level 2: 0 ms in 0 bundles");
        } finally {
            felix.stop();
            felix.waitForStop(30_000);
        }
        // the framework (the system bundle) stops last: its share is the framework's own end
        assertThat(report(times, "stopped")).contains("in 3 bundles").contains(" first.bundle\n")
                .contains(" org.apache.felix.framework\n");
    }

    private static String report(BundleTimes times, String title) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        times.print(title, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
