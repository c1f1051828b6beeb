package org.openpista.channel.support;

import java.util.regex.Pattern;
import org.openpista.api.config.ConfigException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;

/**
 * A chat's {@code /model} command, as the bots of the chat services answer it: without an argument the
 * model in use and how to switch, with {@code NAME} or {@code PROVIDER/NAME} the switch. The channel
 * owns its command (its name, how it is registered with the service, who may use it); this is the answer.
 */
public final class ModelCommand {

    private ModelCommand() {}

    /**
     * @param models the configuration bundle's model selector, null when none runs in this daemon
     * @param argument what follows {@code /model}, stripped; empty to show the model
     * @return the answer for the chat
     */
    public static String answer(ModelSelector models, String argument) {
        if (models == null) {
            return "❌ The model cannot be shown or switched here: no model selector is running in this daemon.";
        }
        try {
            if (argument.isEmpty()) {
                ModelChoice current = models.current();
                return "Model: " + current.provider() + " / " + (current.model().isEmpty() ? "(provider default)" : current.model())
                        + "\nSwitch with /model NAME or /model PROVIDER/NAME (providers: "
                        + String.join(", ", models.providers()) + ").";
            }
            String provider = "";
            String model = argument;
            int slash = argument.indexOf('/');
            if (slash > 0 && models.providers().contains(argument.substring(0, slash))) {
                provider = argument.substring(0, slash);
                model = argument.substring(slash + 1);
            }
            ModelChoice chosen = models.select(provider, model);
            return "✅ Model: " + chosen.provider() + " / " + (chosen.model().isEmpty() ? "(provider default)" : chosen.model());
        } catch (ConfigException e) {
            // the chat is remote: say what is wrong, not where the daemon keeps its files
            String where = Pattern.quote(String.valueOf(e.file()));
            return "❌ " + e.getMessage().replaceFirst("^" + where + "(:[0-9]+)?: ", "");
        } catch (RuntimeException e) {
            return "❌ " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
