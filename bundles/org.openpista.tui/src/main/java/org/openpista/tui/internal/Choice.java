package org.openpista.tui.internal;

/**
 * One line of a picker: a model or a provider.
 *
 * @param id what choosing it selects (a model id, a provider name)
 * @param label what the line shows
 * @param mode for providers, how they log in ({@code oauth}, {@code api_key}, {@code endpoint_and_key},
 *     {@code none}); for models the provider's name
 * @param marked a check mark: a logged-in provider, a recommended or the current model
 */
record Choice(String id, String label, String mode, boolean marked) {}
