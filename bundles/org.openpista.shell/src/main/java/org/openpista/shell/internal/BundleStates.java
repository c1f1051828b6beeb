package org.openpista.shell.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The table of {@code openpista:status} that lists every bundle with its version, state and last swap. */
final class BundleStates {

    private BundleStates() {}

    /**
     * @param swaps the daemon's swap record, {@code null} outside a daemon
     * @return one row per bundle, in the order of their ids
     */
    static String table(Bundle[] bundles, BundleSwaps swaps) {
        Table table = new Table("ID", "BUNDLE", "VERSION", "STATE", "LAST SWAP");
        for (Bundle bundle : bundles) {
            String name = bundle.getSymbolicName() == null ? bundle.getLocation() : bundle.getSymbolicName();
            String swap = swaps == null ? null : swaps.lastSwap(name).map(BundleSwaps.Swap::describe).orElse(null);
            table.row(bundle.getBundleId(), name, bundle.getVersion(), state(bundle), swap);
        }
        return table.toString();
    }

    static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.RESOLVED -> bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null ? "fragment" : "resolved";
            case Bundle.INSTALLED -> "installed (unresolved)";
            default -> "uninstalled";
        };
    }

    /**
     * @param runtime Declarative Services' runtime, or {@code null} when it is not there
     * @return why a component of the bundle failed to activate, or {@code null} when none did
     */
    static String failedComponent(ServiceComponentRuntime runtime, Bundle bundle) {
        if (runtime == null) {
            return null;
        }
        try {
            for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                    if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        String failure = configuration.failure == null ? "" : configuration.failure.lines().findFirst().orElse("");
                        return "its component " + description.name + " failed to activate: " + failure.strip();
                    }
                }
            }
        } catch (RuntimeException e) {
            // the bundle left or is being refreshed meanwhile
        }
        return null;
    }
}
