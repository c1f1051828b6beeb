package org.openpista.doctor.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Whether the programs the installed features run are on the {@code PATH}: Chromium for the browser
 * tools, Tesseract for the screen's OCR, Node.js for the WhatsApp bridge. A feature that is not
 * installed needs nothing; a missing program is a warning, since only its feature stops working.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=90")
public final class ProgramsCheck implements DoctorCheck {

    /** A program a bundle runs. */
    record Need(String bundle, String feature, List<String> names, String install) {}

    static final List<Need> NEEDS = List.of(
            new Need("org.openpista.tool.browser", "the browser tools", List.of("chromium", "chromium-browser",
                    "google-chrome"), "apt-get install chromium (or set its path in [tools.browser])"),
            new Need("org.openpista.tool.screen", "screen.ocr", List.of("tesseract"),
                    "apt-get install tesseract-ocr tesseract-ocr-eng"),
            new Need("org.openpista.channel.whatsapp", "the WhatsApp channel", List.of("node"),
                    "apt-get install nodejs (version 18 or later)"));

    private final BundleContext context;

    @Activate
    public ProgramsCheck(BundleContext context) {
        this.context = context;
    }

    @Override
    public String area() {
        return "programs";
    }

    @Override
    public List<CheckResult> check(Options options) {
        List<CheckResult> results = new ArrayList<>();
        for (Need need : NEEDS) {
            if (!installed(need.bundle())) {
                continue;
            }
            results.add(judge(need, find(need.names(), ConfigurationLoader.getenv(context, "PATH"))));
        }
        return results;
    }

    static CheckResult judge(Need need, Path found) {
        if (found != null) {
            return CheckResult.ok(need.feature() + ": " + found);
        }
        return CheckResult.warn(need.feature() + ": none of " + String.join(", ", need.names()) + " is on the PATH",
                need.install());
    }

    /** @return the first of the names that is an executable file in a folder of the path, or {@code null} */
    static Path find(List<String> names, String path) {
        if (path == null) {
            return null;
        }
        for (String name : names) {
            for (String folder : path.split(File.pathSeparator)) {
                if (folder.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private boolean installed(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }
}
