/**
 * Language model providers. An {@link org.openpista.api.llm.LlmProvider} service speaks one vendor's wire protocol; the agent core picks the configured one by its {@code provider.name} service property. 1.3.0: {@link org.openpista.api.llm.SpeechToText}, a provider's speech-to-text for voice notes. 1.4.0: {@link org.openpista.api.llm.LlmProviders#await}, the provider service of a name once it has started. 1.5.0: {@link org.openpista.api.llm.LlmProviders#declaredPresets}, the provider presets the installed bundles declare.
 */
@Export
@Version("1.5.0")
package org.openpista.api.llm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
