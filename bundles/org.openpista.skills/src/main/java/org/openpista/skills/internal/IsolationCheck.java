package org.openpista.skills.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.openpista.api.sandbox.SandboxIsolation;
import org.openpista.api.sandbox.SandboxUnavailableException;

/**
 * Says which isolation a skill would really get now, from what its sandbox reports ({@link
 * SandboxIsolation}) and the fallback policy: {@code bubblewrap}, {@code host (no isolation)},
 * {@code docker}, {@code wasm (wasmtime)}, a host fallback, or {@code refused: ...}. One instance
 * answers one listing: each sandbox is asked once (a Docker ping, a wasm engine load).
 */
final class IsolationCheck {

    private final SandboxLookup sandboxes;
    private final SkillRunner.Settings settings;
    private final Map<String, String> answers = new HashMap<>();

    IsolationCheck(SandboxLookup sandboxes, SkillRunner.Settings settings) {
        this.sandboxes = sandboxes;
        this.settings = settings;
    }

    /** @return the isolation of a skill's runs now */
    String of(Skill skill) {
        return switch (skill.mode()) {
            case "docker" -> answers.computeIfAbsent("docker", type -> docker());
            case "wasm" -> answers.computeIfAbsent("wasm", this::refusedOr);
            default -> answers.computeIfAbsent("subprocess", this::refusedOr);
        };
    }

    private String docker() {
        try {
            return ask("docker");
        } catch (SandboxUnavailableException e) {
            if (!settings.fallsBack()) {
                return "refused: " + e.getMessage() + " (no host fallback)";
            }
            return "fallback, " + refusedOr("subprocess") + ": " + e.getMessage();
        }
    }

    private String refusedOr(String type) {
        try {
            return ask(type);
        } catch (SandboxUnavailableException e) {
            return "refused: " + e.getMessage();
        }
    }

    private String ask(String type) throws SandboxUnavailableException {
        Optional<SandboxLookup.Lease> found = sandboxes.find(type);
        if (found.isEmpty()) {
            throw new SandboxUnavailableException("the " + type + " sandbox is not installed", null);
        }
        try (SandboxLookup.Lease lease = found.get()) {
            return lease.sandbox() instanceof SandboxIsolation isolation ? isolation.isolation() : type;
        } catch (RuntimeException | LinkageError e) {
            throw new SandboxUnavailableException("the " + type + " sandbox failed: " + SkillFile.oneLine(e.getMessage()), e);
        }
    }
}
