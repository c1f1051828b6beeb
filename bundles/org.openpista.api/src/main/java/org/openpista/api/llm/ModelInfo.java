package org.openpista.api.llm;

/**
 * A model offered by a provider.
 *
 * @param provider the provider instance name ({@code provider.name})
 * @param id the model id as sent on the wire
 * @param recommended whether openpista recommends it for agent work
 */
public record ModelInfo(String provider, String id, boolean recommended) {}
