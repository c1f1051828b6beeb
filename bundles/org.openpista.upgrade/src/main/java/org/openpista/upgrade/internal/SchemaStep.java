package org.openpista.upgrade.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * One migration a bundle declares with the capability {@value #NAMESPACE} ({@code
 * schema=database;step:Long=4;description="..."}: the memory bundle's bnd.bnd). Read from the
 * installed bundles, started or not, so it is known before the bundle migrates anything.
 *
 * @param schema what it migrates ({@value #DATABASE} for the conversation memory)
 * @param version the schema version it leads to
 * @param description what it changes
 */
record SchemaStep(String schema, int version, String description) {

    /** The capability namespace. */
    static final String NAMESPACE = "org.openpista.schema";
    /** The schema of the conversation memory, {@code [database]}. */
    static final String DATABASE = "database";

    /** @return the steps a bundle declares for a schema */
    static List<SchemaStep> of(Bundle bundle, String schema) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        List<SchemaStep> steps = new ArrayList<>();
        if (revision == null) {
            return steps;
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities(NAMESPACE)) {
            Map<String, Object> attributes = capability.getAttributes();
            if (schema.equals(attributes.get("schema")) && attributes.get("step") instanceof Number version) {
                steps.add(new SchemaStep(schema, version.intValue(), String.valueOf(attributes.getOrDefault("description", ""))));
            }
        }
        steps.sort(Comparator.comparingInt(SchemaStep::version));
        return steps;
    }

    /** @return the steps the installed bundles declare for a schema, in order */
    static List<SchemaStep> installed(BundleContext context, String schema) {
        List<SchemaStep> steps = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            steps.addAll(of(bundle, schema));
        }
        steps.sort(Comparator.comparingInt(SchemaStep::version));
        return steps;
    }

    /** @return the highest version of the steps, 0 for none */
    static int latest(List<SchemaStep> steps) {
        return steps.stream().mapToInt(SchemaStep::version).max().orElse(0);
    }
}
