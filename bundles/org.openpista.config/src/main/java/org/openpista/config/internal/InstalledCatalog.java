package org.openpista.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.xml.stream.XMLStreamException;
import org.openpista.api.llm.ProviderPreset;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.metatype.AttributeDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the installed bundles declare, started or not: their {@link SettingsSection} and
 * {@link ProviderPreset} capabilities from the manifest, and the keys from their metatype documents
 * ({@link MetatypeXml}). A bundle's declaration that cannot be read is logged and skipped; it never
 * stops the others.
 */
final class InstalledCatalog implements Supplier<Catalog> {

    private static final Logger LOG = LoggerFactory.getLogger(InstalledCatalog.class);

    private final BundleContext context;

    InstalledCatalog(BundleContext context) {
        this.context = context;
    }

    @Override
    public Catalog get() {
        List<Declaration> declarations = new ArrayList<>();
        List<Preset> presets = new ArrayList<>();
        Bundle[] bundles = context.getBundles();
        Arrays.sort(bundles, Comparator.comparing(bundle -> String.valueOf(bundle.getSymbolicName())));
        for (Bundle bundle : bundles) {
            if (bundle.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            List<BundleCapability> sections = revision.getDeclaredCapabilities(SettingsSection.NAMESPACE);
            List<BundleCapability> providers = revision.getDeclaredCapabilities(ProviderPreset.NAMESPACE);
            if (sections.isEmpty() && providers.isEmpty()) {
                continue;
            }
            try {
                MetatypeXml information = MetatypeXml.of(bundle);
                for (BundleCapability capability : sections) {
                    declarations.add(declaration(bundle, information, capability.getAttributes()));
                }
                for (BundleCapability capability : providers) {
                    presets.add(preset(bundle, information, capability.getAttributes()));
                }
            } catch (IOException | XMLStreamException | RuntimeException e) {
                LOG.warn("Cannot read the configuration declared by {}: {}", bundle.getSymbolicName(), e.toString());
            }
        }
        return new Catalog(declarations, presets);
    }

    private static Declaration declaration(Bundle bundle, MetatypeXml information, Map<String, Object> attributes) {
        String section = text(attributes.get(SettingsSection.SECTION));
        String pid = text(attributes.get(SettingsSection.PID));
        String entries = text(attributes.get(SettingsSection.ENTRIES));
        Map<String, String> formats = pairs(attributes.get(SettingsSection.FORMATS));
        List<String> only = list(attributes.get(SettingsSection.KEYS));
        List<String> tables = list(attributes.get(SettingsSection.TABLES));
        List<MetatypeXml.Attribute> ocd = entries.isEmpty() ? ocd(information, pid) : ocd(information, pid + ".entry");
        if (ocd == null) {
            LOG.warn("{} declares [{}] for {} without metatype for it: the table accepts no keys", bundle.getSymbolicName(),
                    section, pid);
        }
        Map<String, KeySpec> keys = keys(ocd, formats, only);
        Map<String, KeySpec> tableKeys = tables.isEmpty() ? Map.of()
                : keys(ocd(information, pid + ".table"), formats, List.of());
        return new Declaration(section, pid, bundle.getSymbolicName(), keys, pairs(attributes.get(SettingsSection.ENV)),
                entries, tables, tableKeys);
    }

    private static Preset preset(Bundle bundle, MetatypeXml information, Map<String, Object> attributes) {
        String factoryPid = text(attributes.get(ProviderPreset.FACTORY_PID));
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        if (!factoryPid.isEmpty()) {
            keys(ocd(information, factoryPid), Map.of("base_url", SettingsSection.URL), List.of()).forEach((key, spec) -> {
                if (!ProviderSelection.OWN_PROPERTIES.contains(spec.id())) {
                    keys.put(key, spec);
                }
            });
        }
        return new Preset(text(attributes.get(ProviderPreset.NAME)).toLowerCase(java.util.Locale.ROOT), factoryPid,
                list(attributes.get(ProviderPreset.KEY_VARIABLES)), text(attributes.get(ProviderPreset.LOGIN)),
                text(attributes.get(ProviderPreset.NEEDS)), text(attributes.get(ProviderPreset.DESCRIPTION)),
                bundle.getSymbolicName(), keys);
    }

    /** @return the attributes designated for a PID (or factory PID), or {@code null} when the bundle has none for it */
    private static List<MetatypeXml.Attribute> ocd(MetatypeXml information, String pid) {
        return information.attributes(pid);
    }

    private static Map<String, KeySpec> keys(List<MetatypeXml.Attribute> ocd, Map<String, String> formats, List<String> only) {
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        if (ocd == null) {
            return keys;
        }
        for (MetatypeXml.Attribute ad : ocd) {
            String key = KeySpec.tomlKey(ad.id());
            if (!only.isEmpty() && !only.contains(key)) {
                continue;
            }
            boolean secret = ad.id().startsWith(".") || ad.type() == AttributeDefinition.PASSWORD;
            keys.put(key, new KeySpec(key, ad.id(), ad.type(), ad.cardinality() != 0, ad.min(), ad.max(), ad.options(),
                    ad.defaults(), ad.name(), ad.description(), secret, formats.getOrDefault(key, ""), ad.required()));
        }
        return keys;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().strip();
    }

    /** A capability's list attribute, also when a hand-written manifest gives one comma-separated string. */
    private static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(Object::toString).map(String::strip).filter(item -> !item.isEmpty()).toList();
        }
        return Arrays.stream(value.toString().split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    /** {@code key=value} items as a map. */
    private static Map<String, String> pairs(Object value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : list(value)) {
            int equals = item.indexOf('=');
            if (equals > 0) {
                pairs.put(item.substring(0, equals).strip(), item.substring(equals + 1).strip());
            }
        }
        return pairs;
    }
}
