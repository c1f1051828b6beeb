package org.openpista.doctor.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Whether the file system of the openpista home has room for the database, logs and workspace. */
@Component(property = DoctorCheck.ORDER + ":Integer=50")
public final class DiskCheck implements DoctorCheck {

    /** Below this the database can no longer store a turn safely. */
    static final long FAIL_BELOW = 100L * 1024 * 1024;
    /** Below this it is time to make room. */
    static final long WARN_BELOW = 1024L * 1024 * 1024;

    private final Path home;

    @Activate
    public DiskCheck(BundleContext context) {
        this.home = ConfigurationLoader.home(context);
    }

    @Override
    public String area() {
        return "disk";
    }

    @Override
    public List<CheckResult> check(Options options) {
        Path existing = home.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return List.of(CheckResult.skipped("no folder of " + home + " exists"));
        }
        try {
            FileStore store = Files.getFileStore(existing);
            return List.of(judge(store.getUsableSpace(), home));
        } catch (IOException e) {
            return List.of(CheckResult.warn("cannot tell the free space of " + home + ": " + e.getMessage(), ""));
        }
    }

    static CheckResult judge(long usable, Path home) {
        String text = human(usable) + " free for " + home;
        if (usable < FAIL_BELOW) {
            return CheckResult.fail(text, "free some space: openpista needs room to store conversations and logs");
        }
        if (usable < WARN_BELOW) {
            return CheckResult.warn(text, "free some space before the disk fills up");
        }
        return CheckResult.ok(text);
    }

    static String human(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
