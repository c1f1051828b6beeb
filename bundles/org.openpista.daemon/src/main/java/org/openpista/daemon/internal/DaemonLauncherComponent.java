package org.openpista.daemon.internal;

import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonLauncher;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Lets a command become the daemon of its home with some channels ({@code openpista telegram
 * start}), in the foreground.
 */
@Component(service = DaemonLauncher.class)
public final class DaemonLauncherComponent implements DaemonLauncher {

    private final BundleContext context;

    @Activate
    public DaemonLauncherComponent(BundleContext context) {
        this.context = context;
    }

    @Override
    public int runDaemon(Set<String> channels, Callable<Integer> onReady) throws Exception {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("name at least one channel to run");
        }
        return new DaemonProcess(context, ConfigurationLoader.home(context),
                new DaemonProcess.Options(Set.copyOf(channels), true, false)).run(onReady);
    }
}
