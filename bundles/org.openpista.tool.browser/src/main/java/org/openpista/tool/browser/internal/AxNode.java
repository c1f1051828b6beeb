package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of Chromium's accessibility tree ({@code Accessibility.AXNode}), the fields the snapshot
 * uses.
 *
 * @param id the node's id in its tree
 * @param children the ids of its children, in order
 * @param role the computed role, for example {@code button} or {@code StaticText}
 * @param name the accessible name, empty when none
 * @param value the value of a form control, empty when none
 * @param backendId the DOM node behind it ({@code backendDOMNodeId}), 0 when none
 * @param ignored whether it is left out of the accessibility tree (its children may not be)
 * @param properties the node's properties by name, values as text ({@code focusable}: {@code true})
 */
record AxNode(String id, List<String> children, String role, String name, String value, int backendId,
        boolean ignored, Map<String, String> properties) {

    AxNode {
        children = List.copyOf(children);
        properties = Map.copyOf(properties);
    }

    /** @return the node as Chromium describes it */
    static AxNode of(JsonNode node) {
        List<String> children = new ArrayList<>();
        node.path("childIds").forEach(child -> children.add(child.asText()));
        Map<String, String> properties = new LinkedHashMap<>();
        for (JsonNode property : node.path("properties")) {
            JsonNode value = property.path("value").path("value");
            if (!value.isMissingNode() && !value.isNull()) {
                properties.put(property.path("name").asText(), value.asText());
            }
        }
        return new AxNode(node.path("nodeId").asText(), children, node.path("role").path("value").asText(""),
                node.path("name").path("value").asText(""), node.path("value").path("value").asText(""),
                node.path("backendDOMNodeId").asInt(0), node.path("ignored").asBoolean(false), properties);
    }

    /** @return whether a property is {@code true} */
    boolean is(String property) {
        return "true".equals(properties.get(property));
    }
}
