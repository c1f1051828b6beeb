package org.openpista.doctor.internal;

import java.util.ArrayList;
import java.util.List;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Whether config.toml loads without problems and the selected provider has what it needs. */
@Component(property = DoctorCheck.ORDER + ":Integer=10")
public final class ConfigCheck implements DoctorCheck {

    private final ConfigurationLoader loader;

    @Activate
    public ConfigCheck(@Reference ConfigurationLoader loader) {
        this.loader = loader;
    }

    @Override
    public String area() {
        return "config";
    }

    @Override
    public List<CheckResult> check(Options options) {
        ConfigReport report;
        try {
            report = loader.report();
        } catch (ConfigException e) {
            return List.of(CheckResult.fail(e.getMessage(), "correct " + loader.configFile()
                    + " (openpista config check shows what applies, openpista config example every key)"));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(report.exists()
                ? CheckResult.ok(report.file() + " is valid")
                : CheckResult.ok("no " + report.file() + ": the defaults apply"));
        for (String warning : report.warnings()) {
            results.add(CheckResult.warn(warning, "remove or correct the key (openpista config example lists them all)"));
        }
        if (report.provider().isBlank()) {
            results.add(CheckResult.fail("no provider is configured",
                    "set [agent] provider and its key in config.toml, or run openpista auth login"));
        } else if (!report.providerProblem().isEmpty()) {
            results.add(CheckResult.fail("provider " + report.provider() + ": " + report.providerProblem(),
                    "see the message; openpista auth status shows the stored logins"));
        } else {
            results.add(CheckResult.ok("provider " + report.provider() + " is configured"
                    + (report.model().isBlank() ? " (its default model)" : " with model " + report.model())));
        }
        return results;
    }
}
