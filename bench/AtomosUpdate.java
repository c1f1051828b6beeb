import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Issue 15, the Atomos experiment (docs/DEVELOPING.md): what {@code Bundle.update(InputStream)} does to
 * a connect bundle (Apache Felix Atomos, class path mode) and to the connect bundles that import from
 * it. Jackson's three jars stand for a built-in bundle and its dependant.
 * Usage (Java 11+, DIST a built distribution, ATOMOS the Atomos jar):
 *   java -cp DIST/lib/org.apache.felix.framework.jar:ATOMOS:DIST/bundles/boot/jackson-annotations-*.jar:\
 *     DIST/bundles/boot/jackson-core-*.jar:DIST/bundles/boot/jackson-databind-*.jar \
 *     bench/AtomosUpdate.java DIST/bundles/boot/jackson-annotations-*.jar
 */
public class AtomosUpdate {
    public static void main(String[] a) throws Exception {
        Object atomos = Class.forName("org.apache.felix.atomos.Atomos").getMethod("newAtomos", Map.class)
                .invoke(null, Map.of("atomos..class", "org.apache.felix.atomos.impl.base.AtomosClassPath"));
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Constants.FRAMEWORK_STORAGE, Files.createTempDirectory("atomos-update").toString());
        cfg.put("atomos.content.install", "false");
        Framework f = (Framework) atomos.getClass().getMethod("newFramework", Map.class).invoke(atomos, cfg);
        f.init();
        Object layer = atomos.getClass().getMethod("getBootLayer").invoke(atomos);
        Map<String, Bundle> byName = new HashMap<>();
        for (Object c : (Set<?>) layer.getClass().getMethod("getAtomosContents").invoke(layer)) {
            Method loc = c.getClass().getMethod("getAtomosLocation"); loc.setAccessible(true);
            String l = (String) loc.invoke(c);
            if (l.contains("/bundles/")) {
                Method inst = c.getClass().getMethod("install", String.class); inst.setAccessible(true);
                Bundle b = (Bundle) inst.invoke(c, "atomos");
                byName.put(b.getSymbolicName(), b);
            }
        }
        f.start();
        Bundle ann = byName.get("com.fasterxml.jackson.core.jackson-annotations");
        Bundle db = byName.get("com.fasterxml.jackson.core.jackson-databind");
        Bundle cor = byName.get("com.fasterxml.jackson.core.jackson-core");
        for (Bundle b : List.of(ann, cor, db)) b.start();
        System.out.println("before: annotations " + ann.getLocation() + " state " + ann.getState() + ", loader " + ann.loadClass("com.fasterxml.jackson.annotation.JsonProperty").getClassLoader());
        System.out.println("before: databind state " + db.getState());
        String jar = a[0];
        try (InputStream in = Files.newInputStream(Path.of(jar))) { ann.update(in); }
        CountDownLatch l = new CountDownLatch(1);
        f.adapt(FrameworkWiring.class).refreshBundles(List.of(ann), e -> l.countDown());
        l.await();
        System.out.println("after update(InputStream): annotations state " + ann.getState() + ", loader " + ann.loadClass("com.fasterxml.jackson.annotation.JsonProperty").getClassLoader());
        System.out.println("after: databind state " + db.getState() + " (32 = ACTIVE, 4 = RESOLVED, 2 = INSTALLED)");
        try { db.start(); System.out.println("databind started again: " + db.getState()); } catch (BundleException e) { System.out.println("databind cannot start: " + e.getMessage()); }
        try {
            System.out.println("databind sees JsonProperty from "
                    + db.loadClass("com.fasterxml.jackson.annotation.JsonProperty").getClassLoader());
        } catch (ClassNotFoundException e) {
            System.out.println("databind cannot load JsonProperty: " + e.getMessage());
        }
        f.stop();
        f.waitForStop(5000);
    }
}
