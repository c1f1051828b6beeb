package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.Constants;

/** The packages of the launcher's class path (the API, SLF4J, picocli) that the system bundle exports. */
final class SystemExports {

    private SystemExports() {}

    /**
     * The Export-Package header of the jar a class comes from, to export it from the system bundle.
     * The class is found as a resource, not loaded: picocli's load only when a command parses with it.
     */
    static String of(String className) {
        URL url = SystemExports.class.getClassLoader().getResource(className.replace('.', '/') + ".class");
        try {
            if (url == null) {
                throw new IOException("it is not on the launcher's class path");
            }
            Manifest manifest;
            if (url.getProtocol().equals("jar")) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                try (JarFile file = connection.getJarFile()) {
                    manifest = file.getManifest();
                }
            } else {
                Path classes = Path.of(url.toURI());
                for (int i = className.split("\\.").length; i > 0; i--) {
                    classes = classes.getParent();
                }
                try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
                    manifest = new Manifest(in);
                }
            }
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            if (exports == null) {
                throw new IllegalStateException(url + " exports no packages");
            }
            return exports;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the exports of " + className + ": " + e.getMessage(), e);
        }
    }
}
