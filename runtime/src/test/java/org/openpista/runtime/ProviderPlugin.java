package org.openpista.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A provider plugin as a third party builds it, for the tests that drop one into {@code plugins/}: its
 * sources compiled against the distribution's API jar only, one DS component that provides {@code
 * LlmProvider} under the provider's name, and a hand-written manifest that declares the provider.
 *
 * @param bundle the bundle's symbolic name, which also names the component and its descriptor
 * @param provider the provider's name ({@code provider.name}, the manifest's capability)
 * @param className the component's class
 * @param description the capability's description
 * @param activate the component's activate method, or null
 * @param properties more component properties
 */
record ProviderPlugin(
        String bundle,
        String provider,
        String className,
        String description,
        String activate,
        Map<String, String> properties) {

    ProviderPlugin(String bundle, String provider, String className, String description) {
        this(bundle, provider, className, description, null, Map.of());
    }

    /** The same plugin whose component is activated by METHOD with the given properties. */
    ProviderPlugin activatedBy(String method, Map<String, String> componentProperties) {
        return new ProviderPlugin(bundle, provider, className, description, method, componentProperties);
    }

    /** Writes SOURCES (path under {@code src/} to text) into FOLDER and packs the plugin's jar there. */
    Path pack(Path folder, Map<String, String> sources) throws IOException {
        for (Map.Entry<String, String> source : sources.entrySet()) {
            ThirdPartyPluginIT.write(folder.resolve("src").resolve(source.getKey()), source.getValue());
        }
        String descriptor = "OSGI-INF/" + bundle.substring(bundle.lastIndexOf('.') + 1) + ".xml";
        StringBuilder more = new StringBuilder();
        new TreeMap<>(properties)
                .forEach((name, value) -> more.append("  <property name=\"%s\" value=\"%s\"/>\n".formatted(name, value)));
        ThirdPartyPluginIT.write(folder.resolve("classes").resolve(descriptor), """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="true"%s>
                  <implementation class="%s"/>
                  <service><provide interface="org.openpista.api.llm.LlmProvider"/></service>
                  <property name="provider.name" value="%s"/>
                %s</scr:component>
                """.formatted(bundle, activate == null ? "" : " activate=\"" + activate + "\"", className, provider, more));
        String manifest = """
                Manifest-Version: 1.0
                Bundle-ManifestVersion: 2
                Bundle-SymbolicName: %s
                Bundle-Version: 1.0.0
                Import-Package: org.openpista.api.chat;version="[1.0,2)",org.openpista.api.llm;version="[1.1,2)"
                Provide-Capability: org.openpista.provider;name=%s;needs=nothing;description="%s"
                Require-Capability: osgi.extender;filter:="(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))"
                Service-Component: %s
                """.formatted(bundle, provider, description, descriptor);
        return ThirdPartyPluginIT.pack(folder, manifest, List.of(ThirdPartyPluginIT.apiJar()));
    }
}
