package org.openpista.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openpista.api.admin.DaemonControl;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gives the daemon its plugins folder ({@code $OPENPISTA_HOME/plugins/}, the one FileInstall
 * watches) when there is none yet, so that a jar can be dropped there from the first start on;
 * FileInstall takes the folder up as soon as it exists. Only in the daemon: a command line run does
 * not create folders in the home.
 */
@Component(service = {}, immediate = true)
public final class PluginFolder {

    /** @param daemon present only in the daemon */
    @Activate
    public PluginFolder(BundleContext context, @Reference DaemonControl daemon) throws IOException {
        this(PluginCommands.pluginDir(context));
    }

    PluginFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
    }
}
