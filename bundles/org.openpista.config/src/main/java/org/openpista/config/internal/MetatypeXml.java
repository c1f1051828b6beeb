package org.openpista.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * The metatype documents of one bundle ({@code OSGI-INF/metatype/*.xml}, as bnd writes them from
 * {@code @ObjectClassDefinition}), read straight from the bundle's entries. The Metatype service
 * reads the same files, but its {@code AttributeDefinition} does not expose {@code min} and
 * {@code max}, which validation and the generated example need; reading the entries also works for
 * a bundle that is only installed, without resolving it, and costs no extra bundle at start-up.
 * Localized labels ({@code %key}) are not looked up: openpista's metatype is written in plain text.
 */
final class MetatypeXml {

    /** One attribute definition, as written. */
    record Attribute(String id, int type, int cardinality, String min, String max, List<String> options, List<String> defaults,
            String name, String description, boolean required) {}

    private final Map<String, List<Attribute>> ocds = new LinkedHashMap<>();
    private final Map<String, String> designates = new LinkedHashMap<>();

    private MetatypeXml() {}

    /**
     * @param bundle an installed bundle
     * @return its metatype, empty when it has none
     * @throws IOException when a document cannot be read
     * @throws XMLStreamException when a document is not well-formed
     */
    static MetatypeXml of(Bundle bundle) throws IOException, XMLStreamException {
        MetatypeXml metatype = new MetatypeXml();
        Enumeration<String> paths = bundle.getEntryPaths("OSGI-INF/metatype/");
        List<String> documents = paths == null ? List.of() : Collections.list(paths);
        // the JDK's own parser: newFactory() would look for another one on the class path (system
        // property, jaxp.properties, ServiceLoader) for every bundle, ~0.4 ms each at start-up
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        for (String path : documents) {
            if (!path.endsWith(".xml")) {
                continue;
            }
            URL entry = bundle.getEntry(path);
            if (entry != null) {
                try (InputStream in = entry.openStream()) {
                    metatype.read(factory.createXMLStreamReader(in));
                }
            }
        }
        return metatype;
    }

    /**
     * @param pid a PID or factory PID
     * @return the attributes of the object class designated for it, or {@code null} when none is
     */
    List<Attribute> attributes(String pid) {
        String ocd = designates.get(pid);
        return ocd == null ? null : ocds.get(ocd);
    }

    private void read(XMLStreamReader xml) throws XMLStreamException {
        String ocd = null;
        String designate = null;
        Map<String, String> ad = null;
        List<String> options = new ArrayList<>();
        try {
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    switch (xml.getLocalName()) {
                        case "OCD" -> {
                            ocd = xml.getAttributeValue(null, "id");
                            ocds.put(ocd, new ArrayList<>());
                        }
                        case "AD" -> {
                            ad = new LinkedHashMap<>();
                            for (int i = 0; i < xml.getAttributeCount(); i++) {
                                ad.put(xml.getAttributeLocalName(i), xml.getAttributeValue(i));
                            }
                            options = new ArrayList<>();
                        }
                        case "Option" -> options.add(xml.getAttributeValue(null, "value"));
                        case "Designate" -> {
                            String factory = xml.getAttributeValue(null, "factoryPid");
                            designate = factory != null && !factory.isEmpty() ? factory : xml.getAttributeValue(null, "pid");
                        }
                        case "Object" -> {
                            if (designate != null) {
                                designates.put(designate, xml.getAttributeValue(null, "ocdref"));
                            }
                        }
                        default -> { }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    switch (xml.getLocalName()) {
                        case "AD" -> {
                            if (ocd != null && ad != null) {
                                ocds.get(ocd).add(attribute(ad, options));
                            }
                            ad = null;
                        }
                        case "OCD" -> ocd = null;
                        case "Designate" -> designate = null;
                        default -> { }
                    }
                }
            }
        } finally {
            xml.close();
        }
    }

    private static Attribute attribute(Map<String, String> ad, List<String> options) {
        String cardinality = ad.getOrDefault("cardinality", "0");
        String defaults = ad.get("default");
        return new Attribute(ad.get("id"), type(ad.getOrDefault("type", "String")), Integer.parseInt(cardinality.strip()),
                ad.getOrDefault("min", ""), ad.getOrDefault("max", ""), List.copyOf(options),
                defaults == null ? List.of() : split(defaults), ad.getOrDefault("name", ""), ad.getOrDefault("description", ""),
                !"false".equals(ad.getOrDefault("required", "true")));
    }

    /** Metatype's default list: comma-separated, {@code \,} for a comma inside a value. */
    private static List<String> split(String defaults) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < defaults.length(); i++) {
            char c = defaults.charAt(i);
            if (c == '\\' && i + 1 < defaults.length()) {
                current.append(defaults.charAt(++i));
            } else if (c == ',') {
                values.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString().strip());
        return values;
    }

    private static int type(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "long" -> AttributeDefinition.LONG;
            case "integer" -> AttributeDefinition.INTEGER;
            case "short" -> AttributeDefinition.SHORT;
            case "char", "character" -> AttributeDefinition.CHARACTER;
            case "byte" -> AttributeDefinition.BYTE;
            case "double" -> AttributeDefinition.DOUBLE;
            case "float" -> AttributeDefinition.FLOAT;
            case "boolean" -> AttributeDefinition.BOOLEAN;
            case "password" -> AttributeDefinition.PASSWORD;
            default -> AttributeDefinition.STRING;
        };
    }
}
