package org.openpista.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.doctor.DoctorCheck.CheckResult;
import org.openpista.api.doctor.DoctorCheck.Options;
import org.openpista.api.doctor.DoctorCheck.Status;

class DoctorTest {

    @TempDir
    Path dir;

    static DoctorCheck area(String name, java.util.function.Supplier<List<CheckResult>> results) {
        return new DoctorCheck() {
            @Override
            public String area() {
                return name;
            }

            @Override
            public List<CheckResult> check(Options options) {
                return results.get();
            }
        };
    }

    @Test
    void theReportHasALineAResultTheFixUnderProblemsAndACount() {
        List<DoctorCommand.Area> areas = DoctorCommand.run(List.of(
                area("config", () -> List.of(CheckResult.ok("config.toml is valid"))),
                area("provider", () -> List.of(CheckResult.fail("key refused: \u001b[31m401", "run openpista auth login"))),
                area("broken", () -> {
                    throw new IllegalStateException("bug");
                }),
                area("clock", () -> List.of(CheckResult.skipped("offline")))), new Options(false));
        DoctorReport report = new DoctorReport();
        areas.forEach(area -> report.add(area.name(), area.results()));

        assertThat(report.failed()).isTrue();
        assertThat(report.render()).isEqualTo("""
                ✔ config: config.toml is valid
                ✘ provider: key refused: ^[[31m401
                    fix: run openpista auth login
                ✘ broken: the broken check failed: bug
                    fix: report this: the check itself is broken
                - clock: offline

                2 problems to fix, 1 check passed
                """);
    }

    @Test
    void theClockIsJudgedByTheServersDateHeader() {
        Instant local = Instant.parse("2026-03-10T12:00:00Z");
        assertThat(ClockCheck.judge(Optional.of("Tue, 10 Mar 2026 12:00:01 GMT"), local, "api").status()).isEqualTo(Status.OK);
        assertThat(ClockCheck.judge(Optional.of("Tue, 10 Mar 2026 12:01:00 GMT"), local, "api").status())
                .isEqualTo(Status.WARN);
        CheckResult off = ClockCheck.judge(Optional.of("Tue, 10 Mar 2026 12:10:00 GMT"), local, "api");
        assertThat(off.status()).isEqualTo(Status.FAIL);
        assertThat(off.title()).isEqualTo("this clock and api's differ by 600 s");
        assertThat(ClockCheck.judge(Optional.empty(), local, "api").status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    void aTakenPortFailsWithHowToFindTheProgram() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CheckResult result = PortCheck.probe(new PortCheck.Listener("org.openpista.metrics", "127.0.0.1",
                    taken.getLocalPort()));
            assertThat(result.status()).isEqualTo(Status.FAIL);
            assertThat(result.fix()).contains("ss -ltnp 'sport = :" + taken.getLocalPort() + "'");
        }
    }

    @Test
    void filesOthersCanReadFail() throws Exception {
        Path config = Files.writeString(dir.resolve("config.toml"), "[agent]\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        List<CheckResult> results = new FileModeCheck(dir, config).check(new Options(true));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.status()).isEqualTo(Status.FAIL);
            assertThat(result.fix()).isEqualTo("chmod 600 " + config);
        });
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertThat(new FileModeCheck(dir, config).check(new Options(true))).singleElement()
                .extracting(CheckResult::status).isEqualTo(Status.OK);
    }

    @Test
    void aProgramIsFoundOnThePathOrWarnedAboutWithItsPackage() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tesseract = Files.writeString(bin.resolve("tesseract"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tesseract, PosixFilePermissions.fromString("rwx------"));
        ProgramsCheck.Need ocr = ProgramsCheck.NEEDS.get(1);

        assertThat(ProgramsCheck.find(ocr.names(), "/nonexistent:" + bin)).isEqualTo(tesseract);
        assertThat(ProgramsCheck.judge(ocr, null).status()).isEqualTo(Status.WARN);
        assertThat(ProgramsCheck.judge(ocr, null).fix()).contains("tesseract-ocr");
    }
}
