package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommonPoolTest {

    @Test
    void oneOrTwoCoresGetAPoolOfTwo() {
        for (int cores : new int[] {1, 2}) {
            Properties system = new Properties();
            Main.commonPoolOfTwo(system, cores);
            assertThat(system.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("2");
        }
    }

    @Test
    void moreCoresAndAGivenValueAreLeftAlone() {
        Properties larger = new Properties();
        Main.commonPoolOfTwo(larger, 3);
        assertThat(larger.getProperty(Main.COMMON_POOL_PARALLELISM)).isNull();

        Properties given = new Properties();
        given.setProperty(Main.COMMON_POOL_PARALLELISM, "1");
        Main.commonPoolOfTwo(given, 2);
        assertThat(given.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("1");
    }

    /**
     * The launcher's own main, in a JVM that sees two cores: the property must be set before anything
     * makes the common pool, or CompletableFuture's async steps each start a thread.
     */
    @Test
    void theLaunchersMainSetsItBeforeThePoolIsMade() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-XX:ActiveProcessorCount=2",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PoolReport.class.getName())
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("parallelism 2").contains("executor ForkJoinPool");
    }

    /** Runs {@code openpista --version} through {@link Main#main} and reports the pool as the JVM exits. */
    static final class PoolReport {
        public static void main(String[] args) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("parallelism "
                    + ForkJoinPool.getCommonPoolParallelism()
                    + " executor "
                    + new CompletableFuture<Void>().defaultExecutor().getClass().getSimpleName())));
            Main.main(new String[] {"--version"});
        }
    }
}
