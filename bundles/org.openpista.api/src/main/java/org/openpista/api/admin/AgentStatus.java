package org.openpista.api.admin;

import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the agent core is doing right now, for status commands. Registered by the agent core next
 * to its {@link org.openpista.api.channel.AgentGateway}.
 */
@ProviderType
public interface AgentStatus {

    /** @return the provider instance new turns use ({@code [agent] provider}) */
    String provider();

    /** @return the model new turns ask for; empty when the provider's default is used */
    String model();

    /** @return the sessions with a running or queued turn, ordered by session id */
    List<SessionActivity> activity();

    /** @return how many turns ended (answered, failed or cancelled) since the core started */
    long turnsFinished();

    /** @return how many of the finished turns ended with an error or were cancelled */
    long turnsFailed();

    /** @return when the core started */
    Instant startedAt();
}
