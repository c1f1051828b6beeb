package org.openpista.sandbox.docker.internal;

import java.util.List;
import java.util.Map;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxIsolation;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code openpista doctor}: whether the Docker daemon answers (a ping over its socket, local, so also
 * under {@code --offline}). Skills that ask for the docker sandbox fall back to the subprocess
 * sandbox without it, so it fails only when {@code [skills] require_docker = true}.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=80", configurationPid = DockerSandbox.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DockerDoctorCheck implements DoctorCheck {

    private final Sandbox docker;
    private final boolean required;

    @Activate
    public DockerDoctorCheck(@Reference(target = "(" + Sandbox.TYPE + "=" + DockerSandbox.TYPE + ")") Sandbox docker,
            Map<String, Object> properties) {
        this.docker = docker;
        this.required = Boolean.parseBoolean(String.valueOf(properties.get("require.docker")));
    }

    @Override
    public String area() {
        return "docker";
    }

    @Override
    public List<CheckResult> check(Options options) {
        if (!(docker instanceof SandboxIsolation isolation)) {
            return List.of(CheckResult.skipped("the docker sandbox cannot be asked"));
        }
        try {
            isolation.isolation();
            return List.of(CheckResult.ok("the Docker daemon answers"));
        } catch (SandboxUnavailableException e) {
            String fix = "start Docker (systemctl start docker), add your user to the docker group, or set "
                    + "[skills] docker_host";
            return List.of(required
                    ? CheckResult.fail("Docker does not answer and [skills] require_docker = true: " + e.getMessage(), fix)
                    : CheckResult.warn("Docker does not answer (skills asking for it run in the subprocess sandbox): "
                            + e.getMessage(), fix));
        }
    }
}
