package org.openpista.doctor.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Whether the files holding secrets and conversations are the owner's alone: the home (700), {@code
 * config.toml}, {@code credentials.toml}, the database and the logs (600). Other users of the
 * machine must read none of them.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=20")
public final class FileModeCheck implements DoctorCheck {

    private final Path home;
    private final Path configFile;

    @Activate
    public FileModeCheck(BundleContext context, @Reference ConfigurationLoader loader) {
        this(ConfigurationLoader.home(context), loader.configFile());
    }

    FileModeCheck(Path home, Path configFile) {
        this.home = home;
        this.configFile = configFile;
    }

    @Override
    public String area() {
        return "files";
    }

    @Override
    public List<CheckResult> check(Options options) {
        try {
            return checkFiles();
        } catch (IOException e) {
            return List.of(CheckResult.fail("cannot read " + home + ": " + e.getMessage(),
                    "check that the openpista home exists and belongs to you"));
        }
    }

    private List<CheckResult> checkFiles() throws IOException {
        if (!Files.isDirectory(home)) {
            return List.of(CheckResult.ok(home + " does not exist yet: openpista creates it private"));
        }
        if (!Files.getFileStore(home).supportsFileAttributeView("posix")) {
            return List.of(CheckResult.skipped("this file system has no Unix permissions"));
        }
        List<CheckResult> results = new ArrayList<>();
        List<Path> files = new ArrayList<>(List.of(configFile, home.resolve("credentials.toml"), home.resolve("memory.db")));
        try (Stream<Path> logs = Files.isDirectory(home.resolve("logs")) ? Files.list(home.resolve("logs")) : Stream.empty()) {
            logs.filter(Files::isRegularFile).forEach(files::add);
        }
        if (othersMay(home)) {
            results.add(CheckResult.fail(home + " is open to other users (" + mode(home) + ")", "chmod 700 " + home));
        }
        int privateFiles = 0;
        for (Path file : files) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (othersMay(file)) {
                results.add(CheckResult.fail(file + " can be read by other users (" + mode(file) + ")", "chmod 600 " + file));
            } else {
                privateFiles++;
            }
        }
        if (results.isEmpty()) {
            results.add(CheckResult.ok(home + " and its " + privateFiles + " file" + (privateFiles == 1 ? "" : "s")
                    + " with secrets, conversations or logs are the owner's alone"));
        }
        return results;
    }

    private static boolean othersMay(Path path) {
        Set<PosixFilePermission> permissions = permissions(path);
        return permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static String mode(Path path) {
        return java.nio.file.attribute.PosixFilePermissions.toString(permissions(path));
    }

    private static Set<PosixFilePermission> permissions(Path path) {
        try {
            return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Set.of();
        }
    }
}
