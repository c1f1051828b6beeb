package org.openpista.api.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Finds the {@link LlmProvider} service of a name for a command that just applied a configuration
 * and now calls the provider it selects ({@code openpista model test}, the onboarding's test turn),
 * and the {@link ProviderPreset} declarations of the installed bundles (the logins, the onboarding,
 * the doctor).
 */
public final class LlmProviders {

    private LlmProviders() {}

    /**
     * @param context the caller's bundle context
     * @param name the {@value LlmProvider#NAME} to look for
     * @param timeout how long to wait for it
     * @return the provider of that name, once its bundle has started it (its configuration was just
     *     applied, so its component may still be on the way)
     * @throws ProviderException {@code NOT_CONFIGURED} when it does not come within the timeout,
     *     when the waiting thread is interrupted, or when no service can have that name
     */
    public static LlmProvider await(BundleContext context, String name, Duration timeout) throws ProviderException {
        ServiceTracker<LlmProvider, LlmProvider> tracker;
        try {
            tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter("(&(objectClass=" + LlmProvider.class.getName()
                    + ")(" + LlmProvider.NAME + "=" + name.replaceAll("[()*\\\\]", "") + "))"), null);
        } catch (InvalidSyntaxException e) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "no provider can be called \"" + name + "\"");
        }
        tracker.open();
        try {
            LlmProvider provider = tracker.waitForService(timeout.toMillis());
            if (provider == null) {
                throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "the provider \"" + name
                        + "\" did not start within " + timeout.toSeconds() + " s; see the log");
            }
            return provider;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "interrupted while waiting for " + name);
        } finally {
            tracker.close();
        }
    }

    /**
     * @param context the caller's bundle context
     * @return the attributes of every {@link ProviderPreset} capability ({@value ProviderPreset#NAMESPACE})
     *     that the installed bundles declare, started or not, in bundle order
     */
    public static List<Map<String, Object>> declaredPresets(BundleContext context) {
        List<Map<String, Object>> declarations = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            BundleRevision revision = bundle.getState() == Bundle.UNINSTALLED ? null : bundle.adapt(BundleRevision.class);
            if (revision != null) {
                for (BundleCapability capability : revision.getDeclaredCapabilities(ProviderPreset.NAMESPACE)) {
                    declarations.add(capability.getAttributes());
                }
            }
        }
        return declarations;
    }
}
