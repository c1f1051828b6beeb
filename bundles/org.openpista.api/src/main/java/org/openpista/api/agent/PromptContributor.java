package org.openpista.api.agent;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Adds a section to the system prompt of every turn, for example the list of available skills.
 * Registered as a service; sections are ordered by service ranking, highest first.
 */
@ConsumerType
public interface PromptContributor {

    /**
     * @param sessionId the session of the turn
     * @return the text to add, or an empty string to add nothing
     */
    String contribute(String sessionId);
}
