package org.openpista.provider.support;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.openpista.api.llm.LlmProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * An {@link LlmProvider} service registered by its component rather than by Declarative Services.
 * DS publishes configuration properties under their own names, so a configuration {@code
 * name=claude} would become a service property {@code name}, while the whiteboard contract asks
 * for {@value LlmProvider#NAME}; the components therefore declare {@code service = {}} and register
 * here, in their constructor, and {@linkplain #unregister() unregister} on deactivation.
 */
public final class ProviderRegistration {

    private final ServiceRegistration<LlmProvider> registration;

    private ProviderRegistration(ServiceRegistration<LlmProvider> registration) {
        this.registration = registration;
    }

    /**
     * @param context the component's bundle context
     * @param provider the provider; its {@link LlmProvider#name()} becomes {@value LlmProvider#NAME}
     * @param properties further service properties
     * @return the registration
     */
    public static ProviderRegistration register(BundleContext context, LlmProvider provider, Map<String, ?> properties) {
        Dictionary<String, Object> all = new Hashtable<>(properties);
        all.put(LlmProvider.NAME, provider.name());
        return new ProviderRegistration(context.registerService(LlmProvider.class, provider, all));
    }

    /** Removes the service; nothing happens when the framework already removed it with its bundle. */
    public void unregister() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters the services of a stopping bundle on its own
        }
    }
}
