package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model picker: {@code model_list_request} and {@code model_change}, through the {@link
 * ModelSelector} of the configuration bundle when it runs. A change applies from the next turn on
 * and is announced to every client.
 */
final class Models {

    private static final Logger LOG = LoggerFactory.getLogger(Models.class);

    private final OptionalServices services;
    private final Clients clients;

    Models(OptionalServices services, Clients clients) {
        this.services = services;
        this.clients = clients;
    }

    /** @return the provider and model the next turn uses, or {@code null} when that is not known */
    ModelChoice current() {
        ModelSelector selector = services.models();
        if (selector == null) {
            return null;
        }
        try {
            return selector.current();
        } catch (RuntimeException e) {
            LOG.debug("The model selector failed", e);
            return null;
        }
    }

    /** Answers {@code model_list_request}; the current model is listed even when the provider's listing failed. */
    void list(Connection connection) {
        ModelSelector selector = require();
        ObjectNode frame = Frames.frame("model_list");
        ArrayNode models = frame.putArray("models");
        ModelChoice current = selector.current();
        String problem = null;
        List<ModelInfo> listed;
        try {
            listed = selector.models();
        } catch (ProviderException e) {
            listed = List.of();
            problem = e.getMessage();
        }
        boolean currentListed = false;
        for (ModelInfo model : listed) {
            models.addObject().put("provider", model.provider()).put("model", model.id()).put("recommended", model.recommended());
            currentListed |= model.provider().equals(current.provider()) && model.id().equals(current.model());
        }
        if (!currentListed && !current.model().isEmpty()) {
            models.insertObject(0).put("provider", current.provider()).put("model", current.model()).put("recommended", false);
        }
        frame.putObject("current").put("provider", current.provider()).put("model", current.model());
        ArrayNode providers = frame.putArray("providers");
        selector.providers().forEach(providers::add);
        if (problem != null) {
            frame.put("error", problem);
        }
        connection.send(frame);
    }

    /** Answers {@code model_change}: every client hears {@code model_changed}, or the asker why not. */
    void change(Connection connection, JsonNode frame) {
        ModelSelector selector = require();
        String provider = text(frame, "provider");
        String model = text(frame, "model");
        if (model == null) {
            throw new FrameFields.BadFrame("model_change needs a \"model\" string (empty for the provider's default)");
        }
        ModelChoice choice;
        try {
            choice = selector.select(provider == null ? "" : provider.strip(), model.strip());
        } catch (ConfigException e) {
            connection.send(Frames.error("model_change_failed", e.getMessage()).put("in_reply_to", "model_change"));
            return;
        }
        clients.sendAll(Frames.frame("model_changed").put("provider", choice.provider()).put("model", choice.model()));
    }

    private ModelSelector require() {
        ModelSelector selector = services.models();
        if (selector == null) {
            throw new FrameFields.Unavailable("switching models is not available: no model selector is running");
        }
        return selector;
    }
}
