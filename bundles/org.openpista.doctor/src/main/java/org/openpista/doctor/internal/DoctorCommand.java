package org.openpista.doctor.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.command.CliCommand;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.doctor.DoctorCheck.CheckResult;
import org.openpista.api.doctor.DoctorCheck.Options;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpista doctor [--offline]}: runs every registered {@link DoctorCheck} (this bundle's and
 * those other bundles contribute) side by side, each within {@link #CHECK_TIMEOUT_SECS} seconds,
 * and prints one line per result, in area order, with the fix under each problem. Exit status 1
 * when anything failed.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=doctor", scope = ServiceScope.PROTOTYPE)
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks what breaks installations and says how to fix it: configuration, file modes, the "
                + "provider and its key, models, clock, disk, ports, the database, Docker and what other bundles "
                + "check. Exit status 1 when something failed."})
public final class DoctorCommand implements CliCommand, Callable<Integer> {

    /** The longest one area may take. */
    static final int CHECK_TIMEOUT_SECS = 30;

    @Reference(service = DoctorCheck.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    volatile List<Map.Entry<Map<String, Object>, DoctorCheck>> checks = List.of();

    @Spec
    CommandSpec spec;

    @Option(names = "--offline", description = "Send no request beyond this machine (no provider, no clock check).")
    boolean offline;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Map.Entry<Map<String, Object>, DoctorCheck>> ordered = new ArrayList<>(checks);
        ordered.sort(Comparator.comparingInt((Map.Entry<Map<String, Object>, DoctorCheck> entry) -> order(entry.getKey()))
                .thenComparing(entry -> area(entry.getValue())));
        List<DoctorCheck> areas = ordered.stream().map(Map.Entry::getValue).toList();
        DoctorReport report = new DoctorReport();
        for (Area area : run(areas, new Options(offline))) {
            report.add(area.name(), area.results());
        }
        out.print(report.render());
        out.flush();
        return report.failed() ? 1 : 0;
    }

    /** An area's results. */
    record Area(String name, List<CheckResult> results) {}

    /** Runs the checks side by side; one that throws or takes too long is a failed result of its area. */
    static List<Area> run(List<DoctorCheck> areas, Options options) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, Math.min(8, areas.size())), runnable -> {
            Thread thread = new Thread(runnable, "openpista-doctor");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<List<CheckResult>>> running = new ArrayList<>();
            for (DoctorCheck check : areas) {
                running.add(executor.submit(() -> check.check(options)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_TIMEOUT_SECS);
            List<Area> done = new ArrayList<>();
            for (int i = 0; i < areas.size(); i++) {
                String name = area(areas.get(i));
                done.add(new Area(name, await(running.get(i), deadline, name)));
            }
            return done;
        } finally {
            executor.shutdownNow();
        }
    }

    private static List<CheckResult> await(Future<List<CheckResult>> result, long deadline, String area) {
        try {
            List<CheckResult> results = result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return results == null ? List.of() : results;
        } catch (TimeoutException e) {
            result.cancel(true);
            return List.of(CheckResult.fail("the " + area + " check did not finish within " + CHECK_TIMEOUT_SECS + " s",
                    "run openpista doctor again; if it hangs, check the network or run with --offline"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return List.of(CheckResult.fail("the " + area + " check failed: " + describe(cause),
                    "report this: the check itself is broken"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(CheckResult.skipped("interrupted"));
        }
    }

    private static String area(DoctorCheck check) {
        try {
            return check.area();
        } catch (RuntimeException e) {
            return check.getClass().getSimpleName();
        }
    }

    private static int order(Map<String, Object> properties) {
        Object order = properties.get(DoctorCheck.ORDER);
        if (order instanceof Number number) {
            return number.intValue();
        }
        try {
            return order == null ? 100 : Integer.parseInt(order.toString().strip());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
